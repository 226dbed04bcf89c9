/**
 * `deploy`: applies the stack config with the engine. A refresh first brings state in line with
 * what really runs, so the update also restores anything changed behind Pulumi's back.
 * Progressive stepping of traffic arrives with the rollout driver.
 */
import { switchyardProgram } from "../../stacks/program";
import { loadStackConfig } from "../config";
import { ExitCode } from "../exit-codes";
import type { CommandReport } from "../report/model";
import { environmentsFrom, programOutputs } from "../report/outputs";
import { openStack } from "../workspace";
import type { CommandContext } from "./context";

export async function deploy(ctx: CommandContext): Promise<{ report: CommandReport; exitCode: ExitCode }> {
  const started = Date.now();
  loadStackConfig(ctx.stack, ctx.workDir);
  const opened = await openStack({ stackName: ctx.stack, workDir: ctx.workDir }, switchyardProgram);
  const result = await opened.run("deploy", (stack) => stack.up({ refresh: true, onOutput: ctx.progress }));
  const outputs = programOutputs(result.outputs);
  const changes = result.summary.resourceChanges ?? {};
  const changed = Object.entries(changes).some(([op, n]) => op !== "same" && (n ?? 0) > 0);
  const report: CommandReport = {
    command: "deploy",
    stack: ctx.stack,
    status: changed ? "success" : "no-change",
    durationMs: Date.now() - started,
    endpoint: outputs.endpoint,
    weights: outputs.weights,
    environments: environmentsFrom(outputs),
    changes: changes as Record<string, number>,
    updateVersion: result.summary.version,
    nextSteps: outputs.endpoint ? [`curl ${outputs.endpoint}/`, `npm run status -- --stack ${ctx.stack}`] : [],
  };
  return { report, exitCode: ExitCode.Done };
}
