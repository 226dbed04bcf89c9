/** `preview`: what a deploy would change, without changing anything. */
import { effectiveTraffic } from "../../stacks/config";
import { switchyardProgram } from "../../stacks/program";
import { loadStackConfig } from "../config";
import { ExitCode } from "../exit-codes";
import { buildReport } from "../report/build";
import { openStack } from "../workspace";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

export async function preview(ctx: CommandContext): Promise<CommandResult> {
  const started = Date.now();
  const { config } = loadStackConfig(ctx.stack, ctx.workDir);
  const opened = await openStack({ stackName: ctx.stack, workDir: ctx.workDir }, switchyardProgram);
  const result = await opened.run("preview", (stack) => stack.preview({ onOutput: ctx.progress }));
  const changes = result.changeSummary as Record<string, number>;
  const changed = Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
  const weights = effectiveTraffic(config);
  const report = buildReport({
    command: "preview",
    stack: ctx.stack,
    environment: config.environment,
    startedAt: started,
    status: changed ? "success" : "no-change",
    outputs: { weights, slots: { blue: { version: config.slots.blue.version }, green: { version: config.slots.green.version } } },
    changes,
    nextSteps: changed ? [`switchyard deploy --stack ${ctx.stack}`] : [],
  });
  return { report, exitCode: ExitCode.Done };
}
