/** `status`: what the stack runs now, from its outputs and its last update. Changes nothing. */
import { switchyardProgram } from "../../stacks/program";
import { ExitCode } from "../exit-codes";
import type { CommandReport } from "../report/model";
import { environmentsFrom, programOutputs } from "../report/outputs";
import { openStack } from "../workspace";
import type { CommandContext } from "./context";

export async function status(ctx: CommandContext): Promise<{ report: CommandReport; exitCode: ExitCode }> {
  const started = Date.now();
  const opened = await openStack({ stackName: ctx.stack, workDir: ctx.workDir, mustExist: true }, switchyardProgram);
  const [outputMap, history] = await opened.run("status", (stack) => Promise.all([stack.outputs(), stack.history(1)]));
  const outputs = programOutputs(outputMap);
  const last = history[0];
  const report: CommandReport = {
    command: "status",
    stack: ctx.stack,
    status: last?.result === "failed" ? "failed" : "success",
    durationMs: Date.now() - started,
    endpoint: outputs.endpoint,
    weights: outputs.weights,
    environments: environmentsFrom(outputs),
    updateVersion: last?.version || undefined,
    lastUpdate: last
      ? { result: last.result, startTime: new Date(last.startTime).toISOString(), endTime: last.endTime ? new Date(last.endTime).toISOString() : undefined }
      : undefined,
    nextSteps: last ? [] : [`npm run deploy -- --stack ${ctx.stack}`],
  };
  return { report, exitCode: ExitCode.Done };
}
