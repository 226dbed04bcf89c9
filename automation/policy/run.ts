/**
 * Runs the policy pack with an engine operation. The CLI gets, from one call, the options to add
 * to `stack.preview`/`stack.up` (`policyPacks`, `policyPackConfigs`, an `onEvent` collector) and
 * afterwards a report; a failure caused by mandatory violations becomes a blocked report (exit 1)
 * instead of an engine error.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { EngineEvent, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { EngineError } from "../../model/errors";
import { ExitCode } from "../exit-codes";
import { type OpenedStack } from "../workspace";
import { PROJECT_ROOT } from "../../model/toolchain";
import { baselineFromDeployment } from "./baseline";
import { defaultConfigFile, readPackConfig, withBaseline, withPipelineEvidence, writePackConfig } from "./config";
import { pipelineEvidence } from "../pipeline/evidence";
import { PolicySetupError } from "./errors";
import { parsePolicyEvents, type PolicyFinding, type PolicyRemediation } from "./events";

export const DEFAULT_PACK_DIR = path.join(PROJECT_ROOT, "policy");

/**
 * The engine runs a pack *folder* only through `pulumi-language-nodejs`, which is not available
 * here; an executable it starts directly. policy/analyzer is that executable.
 */
export function packLauncher(packDir = DEFAULT_PACK_DIR): string {
  const launcher = path.join(packDir, "analyzer");
  if (!existsSync(launcher)) throw new PolicySetupError(`no policy pack launcher at ${launcher}`, "restore policy/analyzer from git");
  if (!existsSync(path.join(packDir, "node_modules", "@pulumi", "policy"))) {
    throw new PolicySetupError(`the policy pack's dependencies are not installed in ${packDir}`, `run: npm ci --prefix ${path.relative(process.cwd(), packDir) || "."}`);
  }
  return launcher;
}

export interface PolicyRunOptions {
  /** @default <project>/policy */
  readonly packDir?: string;
  /** Pack config (JSON keyed by rule). @default stacks/Pulumi.<stack>.policy.json when it exists */
  readonly configFile?: string;
}

export type EngineOperation = "preview" | "up";

export interface PolicyReport {
  readonly stack: string;
  readonly operation: EngineOperation;
  /** True when a mandatory violation failed the operation. */
  readonly blocked: boolean;
  readonly findings: readonly PolicyFinding[];
  readonly remediations: readonly PolicyRemediation[];
}

export interface PolicySession {
  /** Spread into `stack.preview(...)` or `stack.up(...)`; chain your own onEvent through `onEvent`. */
  readonly engineOptions: Required<Pick<PreviewOptions & UpOptions, "policyPacks" | "policyPackConfigs" | "onEvent">>;
  /**
   * The report of the run. Pass the operation's error, if any: a failure with mandatory
   * violations is the expected way for a policy to stop the run and becomes `blocked`; any other
   * error is thrown again.
   */
  finish(error?: unknown): PolicyReport;
  /** Removes the temporary pack config; call in `finally`. */
  dispose(): void;
}

export async function startPolicySession(
  opened: OpenedStack,
  operation: EngineOperation,
  options: PolicyRunOptions = {},
  onEvent?: (event: EngineEvent) => void,
): Promise<PolicySession> {
  const launcher = packLauncher(options.packDir);
  const userConfig = readPackConfig(options.configFile ?? defaultConfigFile(opened.workDir, opened.stackName));
  const deployment = await opened.run("reading the current state for policy", (stack) => stack.exportStack());
  const evidence = await pipelineEvidence(opened.workDir, opened.stackName);
  const written = writePackConfig(withPipelineEvidence(withBaseline(userConfig, baselineFromDeployment(deployment)), evidence));
  const events: EngineEvent[] = [];
  return {
    engineOptions: {
      policyPacks: [launcher],
      policyPackConfigs: [written.file],
      onEvent: (event) => {
        events.push(event);
        onEvent?.(event);
      },
    },
    finish(error) {
      const { findings, remediations } = parsePolicyEvents(events);
      const blocked = findings.some((f) => f.level === "mandatory");
      if (error !== undefined && !(blocked && error instanceof EngineError)) throw error;
      return { stack: opened.stackName, operation, blocked, findings, remediations };
    },
    dispose: written.dispose,
  };
}

/** `npm run policy -- --stack S`: a preview with the pack; the report and the exit code. */
export async function previewWithPolicy(
  opened: OpenedStack,
  options: PolicyRunOptions & { onOutput?: (line: string) => void } = {},
): Promise<{ report: PolicyReport; exitCode: ExitCode }> {
  const session = await startPolicySession(opened, "preview", options);
  try {
    let failure: unknown;
    await opened.run("policy preview", (stack) => stack.preview({ ...session.engineOptions, onOutput: options.onOutput })).catch((error) => (failure = error));
    const report = session.finish(failure);
    return { report, exitCode: report.blocked ? ExitCode.Error : ExitCode.Done };
  } finally {
    session.dispose();
  }
}
