/** `preview`: what a deploy would change, without changing anything. */
import { switchyardProgram } from "../../stacks/program";
import { loadStackConfig } from "../config";
import { ExitCode } from "../exit-codes";
import type { CommandReport } from "../report/model";
import { openStack } from "../workspace";
import type { CommandContext } from "./context";

export async function preview(ctx: CommandContext): Promise<{ report: CommandReport; exitCode: ExitCode }> {
  const started = Date.now();
  const { config } = loadStackConfig(ctx.stack, ctx.workDir);
  const opened = await openStack({ stackName: ctx.stack, workDir: ctx.workDir }, switchyardProgram);
  const result = await opened.run("preview", (stack) => stack.preview({ onOutput: ctx.progress }));
  const changes = result.changeSummary as Record<string, number>;
  const changed = Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
  const report: CommandReport = {
    command: "preview",
    stack: ctx.stack,
    status: changed ? "success" : "no-change",
    durationMs: Date.now() - started,
    weights: config.traffic,
    environments: (["blue", "green"] as const).map((slot) => ({
      slot,
      version: config.slots[slot].version,
      trafficPercentage: config.traffic[slot],
    })),
    changes,
    nextSteps: changed ? [`npm run deploy -- --stack ${ctx.stack}`] : [],
  };
  return { report, exitCode: ExitCode.Done };
}
