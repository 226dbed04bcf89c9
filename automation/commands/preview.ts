/** `preview`: what a deploy would change, without changing anything. */
import { effectiveVersions, effectiveWeights } from "../../model/driver-status";
import { switchyardProgram } from "../../stacks/program";
import { loadStackConfig } from "../../stacks/load-config";
import { ExitCode } from "../exit-codes";
import { buildReport } from "../report/build";
import type { PreviewResult } from "@pulumi/pulumi/automation";
import { startPolicySession, type PolicyReport } from "../policy/run";
import { openStack } from "../workspace";
import { preflight } from "../preflight";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

export interface PreviewFlags {
  /** Run the policy pack; a mandatory violation fails the command. */
  readonly policy?: boolean;
  /** Pack config file (enforcement levels, thresholds); default stacks/Pulumi.<stack>.policy.json. */
  readonly policyConfig?: string;
}

export async function preview(ctx: CommandContext, flags: PreviewFlags = {}): Promise<CommandResult> {
  const started = Date.now();
  const { config } = loadStackConfig(ctx.stack, ctx.workDir);
  await preflight(config, ctx.stack, ctx.workDir);
  const opened = await openStack({ stackName: ctx.stack, workDir: ctx.workDir }, switchyardProgram);
  const policy = flags.policy ? await startPolicySession(opened, "preview", { configFile: flags.policyConfig }) : undefined;
  let result: PreviewResult | undefined;
  let policyReport: PolicyReport | undefined;
  try {
    let failure: unknown;
    result = await opened.run("preview", (stack) => stack.preview({ onOutput: ctx.progress, ...policy?.engineOptions })).catch((error) => {
      failure = error;
      return undefined;
    });
    if (!policy && failure) throw failure;
    // Rethrows any failure that is not a policy block.
    policyReport = policy?.finish(failure);
  } finally {
    policy?.dispose();
  }
  const changes = (result?.changeSummary ?? {}) as Record<string, number>;
  const changed = Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
  // What the preview applied: the file's intent with the driver's status (a rollout in flight, a rollback).
  const status = await opened.driverStatus();
  const weights = effectiveWeights(config, status);
  const versions = effectiveVersions(config.slots, status);
  const report = buildReport({
    command: "preview",
    stack: ctx.stack,
    environment: config.environment,
    startedAt: started,
    status: policyReport?.blocked ? "failed" : changed ? "success" : "no-change",
    message: policyReport?.blocked ? "blocked by mandatory policy violations" : undefined,
    outputs: { weights, slots: { blue: { version: versions.blue }, green: { version: versions.green } } },
    changes,
    policy: policyReport,
    nextSteps: policyReport?.blocked ? ["fix the mandatory policy violations above"] : changed ? [`switchyard deploy --stack ${ctx.stack}`] : [],
  });
  return { report, exitCode: policyReport?.blocked ? ExitCode.Error : ExitCode.Done };
}
