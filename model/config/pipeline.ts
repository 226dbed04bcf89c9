/**
 * A pipeline: one release carried through stacks in order (`pipelines/<name>.yaml`, written by
 * people). Each stage is a stack with its own strategy and analysis (its stack file); the
 * pipeline adds what happens between stages: a soak after the rollout succeeds, a verification
 * with the analysis providers against the stage's endpoint, a person's approval before a stage
 * starts, and freeze windows in which a stage is not touched.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors";
import { durationSchema, metricSchema } from "./analysis";

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const PIPELINE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const PIPELINE_NAME_RULE = "must be a pipeline name: lowercase letters, digits and '-', starting with a letter or digit";

const instant = z.iso.datetime({ offset: true, message: 'must be a time with its zone, e.g. "2026-12-24T00:00:00Z"' }).transform((text) => Date.parse(text));

const freezeSchema = z
  .strictObject({
    from: instant,
    to: instant,
    /** Said when a stage is held back by this window. */
    reason: z.string().optional(),
  })
  .refine((w) => w.from < w.to, { message: "from must be before to", path: ["to"] });

export const stageSchema = z.strictObject({
  /** The stack this stage deploys (stacks/Pulumi.<stack>.yaml). */
  stack: z.string({ message: "must name a stack" }).regex(STACK_NAME, "must be a stack name: letters, digits, '_', '.', '-'"),
  /** How long the stage must keep serving the release healthily after its rollout succeeded. */
  soak: durationSchema.default(0),
  /** Metrics measured against the stage's endpoint after the soak; the release must pass them to go on. */
  verify: z.strictObject({ metrics: z.array(metricSchema).min(1, "must list at least one metric") }).optional(),
  /** A person must run `switchyard pipeline approve` before this stage starts. */
  approval: z.boolean().default(false),
  /** Windows in which this stage is not deployed; the pipeline stops before it and says until when. */
  freeze: z.array(freezeSchema).default([]),
});

export const pipelineSchema = z
  .strictObject({
    description: z.string().optional(),
    stages: z.array(stageSchema).min(1, "must list at least one stage"),
  })
  .superRefine((pipeline, ctx) => {
    const seen = new Map<string, number>();
    pipeline.stages.forEach((stage, index) => {
      const earlier = seen.get(stage.stack);
      if (earlier !== undefined) ctx.addIssue({ code: "custom", path: ["stages", index, "stack"], message: `"${stage.stack}" is already stage ${earlier + 1}; a release reaches each stack once` });
      seen.set(stage.stack, index);
    });
  });

export type PipelineConfig = z.output<typeof pipelineSchema>;
export type PipelineConfigInput = z.input<typeof pipelineSchema>;
export type StageConfig = z.output<typeof stageSchema>;

export const pipelineFilePath = (workDir: string, name: string) => path.join(workDir, "pipelines", `${name}.yaml`);

/** Reads and validates `pipelines/<name>.yaml`; every problem is named with its key path and a fix. */
export function loadPipeline(workDir: string, name: string): PipelineConfig {
  if (!PIPELINE_NAME.test(name)) throw new ConfigError([{ path: "NAME", message: PIPELINE_NAME_RULE, value: JSON.stringify(name), fix: "e.g. switchyard pipeline run local --version 1.2.0" }], "command line");
  const file = pipelineFilePath(workDir, name);
  const shown = path.relative(workDir, file);
  if (!existsSync(file)) throw new ConfigError([{ path: "NAME", message: `no pipeline file ${shown}`, value: JSON.stringify(name), fix: "create it (pipelines/local.yaml is an example)" }], "command line");
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([{ path: "(file)", message: `is not valid YAML: ${(error as Error).message.split("\n")[0]}`, fix: "correct the YAML syntax" }], shown);
  }
  const parsed = pipelineSchema.safeParse(document ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.join(".") || "(file)",
        message: issue.message,
        value: issue.input === undefined ? undefined : JSON.stringify(issue.input),
        fix: "see Pipelines in README.md",
      })),
      shown,
    );
  }
  for (const [index, stage] of parsed.data.stages.entries()) {
    if (!existsSync(path.join(workDir, "stacks", `Pulumi.${stage.stack}.yaml`))) {
      throw new ConfigError([{ path: `stages.${index}.stack`, message: `no stack file stacks/Pulumi.${stage.stack}.yaml`, value: JSON.stringify(stage.stack), fix: "create the stack file, or name an existing stack" }], shown);
    }
  }
  return parsed.data;
}

/** The freeze window holding `stage` back at `now`, if any. */
export function activeFreeze(stage: StageConfig, now: number): StageConfig["freeze"][number] | undefined {
  return stage.freeze.find((w) => w.from <= now && now < w.to);
}

/** Every pipelines/<name>.yaml of the project, by name. */
export function projectPipelines(workDir: string): string[] {
  try {
    return readdirSync(path.join(workDir, "pipelines"))
      .map((file) => /^(.+)\.yaml$/.exec(file)?.[1])
      .filter((name): name is string => name !== undefined && PIPELINE_NAME.test(name))
      .sort();
  } catch {
    return [];
  }
}
