/**
 * `status`: what the stack runs now, its last update and any rollout in progress, as the stack's
 * backend records them, with the live weights read back from the data plane. Changes nothing.
 */
import { ExitCode } from "../exit-codes";
import { buildReport } from "../report/build";
import { isActive, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { openRolloutSession } from "../rollout/session";
import { readLiveWeights } from "../routers/data-plane";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

export async function status(ctx: CommandContext): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  const [outputs, history, stored] = await Promise.all([
    session.outputs(),
    session.opened.run("status", (stack) => stack.history(1)),
    session.store.get<RolloutRecord>(ROLLOUT_KEY),
  ]);
  const record = stored?.value;
  const live = await readLiveWeights(outputs).catch(() => undefined);
  const last = history[0];
  const notes: string[] = [];
  if (last) notes.push(`last update ${last.result} at ${new Date(last.endTime ?? last.startTime).toISOString()}`);
  if (live && outputs.weights && (live.blue !== outputs.weights.blue || live.green !== outputs.weights.green)) {
    notes.push(`the data plane serves blue ${live.blue}% / green ${live.green}%, not what state records: run drift`);
  }
  let status: "success" | "failed" | "running" | "paused" | "rolled-back" = last?.result === "failed" ? "failed" : "success";
  const nextSteps: string[] = last ? [] : [`switchyard deploy --stack ${ctx.stack}`];
  if (record && isActive(record)) {
    status = record.status === "paused" ? "paused" : "running";
    const driver = ownerAlive(record.owner) ? `driven by ${record.owner!.host} pid ${record.owner!.pid}` : "no driver is running (deploy resumes it)";
    notes.unshift(`rollout ${record.id} ${record.status} at step ${Math.min(record.stepIndex + 1, record.plan.length)}/${record.plan.length}, ${driver}${record.statusReason ? `: ${record.statusReason}` : ""}`);
    nextSteps.push(...(record.status === "paused" ? ["resume", "promote", "abort"] : ["pause", "promote", "abort"]).map((a) => `switchyard ${a} --stack ${ctx.stack}`));
  } else if (stored?.value.status === "rolled-back") {
    notes.push(`last rollout ${stored.value.id} rolled back: ${stored.value.statusReason ?? ""}`);
  }
  const report = buildReport({
    command: "status",
    stack: ctx.stack,
    environment: session.config.environment,
    startedAt: started,
    status,
    message: notes.join("; ") || undefined,
    outputs,
    record: record && isActive(record) ? record : undefined,
    nextSteps,
  });
  return { report, exitCode: ExitCode.Done };
}
