/**
 * Loads and validates stack config before anything touches the engine. The same validation runs
 * inside the Pulumi program, so that `pulumi up` without the driver cannot apply bad config either.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { FIXES, NAMESPACE, stackConfigSchema, type StackConfig } from "../stacks/config";
import { ConfigError, type ConfigProblem } from "./errors";
import { loadCloudTarget } from "../stacks/targets/load";

export const stackFilePath = (workDir: string, stackName: string) => path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`);

/** A value that may be secret is never echoed back. */
function describeValue(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (/secret|password|token|key$|headers|authorization/i.test(key) || (typeof value === "object" && value !== null && "secure" in value)) return "[secret]";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fixFor(dotted: string, issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return "remove it or correct the spelling (README.md lists every setting)";
  }
  for (let parts = dotted.split("."); parts.length > 0; parts = parts.slice(0, -1)) {
    const fix = FIXES[parts.join(".")];
    if (fix) return fix;
  }
  return "see the Stack config section of README.md";
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const parts = issue.path.map(String);
    const dotted = parts.join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: `${NAMESPACE}:${[...parts, key].join(".")}`,
        message: "is not a known setting",
        fix: fixFor(dotted, issue),
      }));
    }
    return [{ path: `${NAMESPACE}:${dotted}`, message: issue.message, value: describeValue(issue.input, dotted), fix: fixFor(dotted, issue) }];
  });
}

/**
 * Validates the `switchyard:` entries of a stack's config. `entries` maps full keys
 * (`switchyard:traffic`) to values; keys of other namespaces are left alone.
 */
export function parseStackConfig(entries: Readonly<Record<string, unknown>>, source: string): StackConfig {
  const ours: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (key.startsWith(`${NAMESPACE}:`)) ours[key.slice(NAMESPACE.length + 1)] = value;
  }
  const result = stackConfigSchema.safeParse(ours, { reportInput: true });
  if (!result.success) throw new ConfigError(problemsOf(result.error), source);
  const config = result.data;
  if (config.target !== "local") {
    const cloud = config.target;
    const block = loadCloudTarget(cloud).schema.safeParse((config as Record<string, unknown>)[cloud], { reportInput: true });
    if (!block.success) {
      for (const issue of block.error.issues) issue.path.unshift(cloud);
      throw new ConfigError(problemsOf(block.error), source);
    }
    return { ...config, [cloud]: block.data };
  }
  return config;
}

export interface LoadedStackConfig {
  readonly config: StackConfig;
  readonly file: string;
}

/** Reads `stacks/Pulumi.<stack>.yaml` and validates it; throws ConfigError naming every problem. */
export function loadStackConfig(stackName: string, workDir: string): LoadedStackConfig {
  const file = stackFilePath(workDir, stackName);
  const shown = path.relative(workDir, file);
  if (!existsSync(file)) {
    throw new ConfigError(
      [{ path: "--stack", message: `no stack file for "${stackName}"`, value: JSON.stringify(stackName), fix: `create ${shown} (stacks/Pulumi.local.yaml is an example)` }],
      shown,
    );
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([{ path: "(file)", message: `is not valid YAML: ${(error as Error).message.split("\n")[0]}`, fix: "correct the YAML syntax" }], shown);
  }
  const entries = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
  return { config: parseStackConfig(entries, shown), file };
}
