/**
 * `status`: what the stack runs now, its last update and any rollout in progress, as the stack's
 * backend records them, and whether the service really serves: the endpoint, HAProxy's servers,
 * the workload processes and the live weights are checked on the data plane (health/). Exit 0
 * only when healthy; 5 when degraded or down. Changes nothing.
 */
import { ExitCode } from "../exit-codes";
import { checkHealth, declaredHealthPath, rolloutInFlight } from "../health/check";
import type { ExportedState } from "../health/collect";
import { buildReport } from "../report/build";
import { heldBack, heldBackText, releaseIntentOf } from "../rollout/driver-status";
import { isActive, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { readStackConfigValues } from "../stack-file";
import { openRolloutSession } from "../rollout/session";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

/** What the rollout is doing and who, if anyone, drives it; the right commands for its state. */
function describeRollout(record: RolloutRecord, stack: string): { note: string; nextSteps: string[] } {
  const at = `step ${Math.min(record.stepIndex + 1, record.plan.length)}/${record.plan.length}`;
  const reason = record.statusReason ? `: ${record.statusReason}` : "";
  const commands = (actions: string[]) => actions.map((a) => `switchyard ${a} --stack ${stack}`);
  if (record.status === "paused") {
    // Nothing drives a paused rollout: a person decides; a deploy would only report the pause.
    return { note: `rollout ${record.id} paused at ${at}${reason}; resume, promote or abort it`, nextSteps: commands(["resume", "promote", "abort"]) };
  }
  if (!ownerAlive(record.owner)) {
    // Its driver stopped (killed, or an update failed): a deploy takes it up where it stopped.
    return { note: `rollout ${record.id} ${record.status} at ${at}, no driver is running (deploy resumes it)${reason}`, nextSteps: commands(["deploy", "abort"]) };
  }
  return { note: `rollout ${record.id} ${record.status} at ${at}, driven by ${record.owner!.host} pid ${record.owner!.pid}${reason}`, nextSteps: commands(["pause", "promote", "abort"]) };
}

export async function status(ctx: CommandContext): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  const [outputs, history, stored, state] = await Promise.all([
    session.outputs(),
    session.opened.run("status", (stack) => stack.history(1)),
    session.store.get<RolloutRecord>(ROLLOUT_KEY),
    session.opened.run("exporting state", (stack) => stack.exportStack()) as Promise<ExportedState>,
  ]);
  const record = stored?.value;
  const active = record && isActive(record) ? record : undefined;
  const health = await checkHealth(
    {
      outputs,
      state,
      rollout: active ? rolloutInFlight(active) : undefined,
      healthPath: declaredHealthPath(session.config as unknown as Record<string, unknown>, session.config.target),
      lock: { backendUrl: engineBackendUrl(), project: PROJECT_NAME, stack: ctx.stack },
    },
    ctx.stack,
  );
  const last = history[0];
  const notes: string[] = [];
  if (last) notes.push(`last update ${last.result} at ${new Date(last.endTime ?? last.startTime).toISOString()}`);
  let status: "success" | "failed" | "running" | "paused" | "rolled-back" = last?.result === "failed" ? "failed" : "success";
  const nextSteps: string[] = last ? [] : [`switchyard deploy --stack ${ctx.stack}`];
  if (active) {
    status = active.status === "paused" ? "paused" : "running";
    const rollout = describeRollout(active, ctx.stack);
    notes.unshift(rollout.note);
    nextSteps.push(...rollout.nextSteps);
  } else if (record?.status === "rolled-back") {
    notes.push(`last rollout ${record.id} rolled back: ${record.statusReason ?? ""}`);
  }
  // The file asks for a release the driver keeps out of service: say so, with the two ways on.
  const held = active ? undefined : heldBack(record, releaseIntentOf(readStackConfigValues(ctx.workDir, ctx.stack)));
  if (held) {
    notes.push(`the stack file asks for ${heldBackText(held)}; the stack runs the release before it until the file changes`);
    nextSteps.push(`change switchyard:slots or switchyard:active in stacks/Pulumi.${ctx.stack}.yaml, then switchyard deploy --stack ${ctx.stack}`, `switchyard deploy --stack ${ctx.stack} --retry (roll the same release out again)`);
  }
  if (health.verdict !== "healthy" && !active) {
    nextSteps.push(`switchyard drift --stack ${ctx.stack}`, `switchyard deploy --stack ${ctx.stack} (repairs what the engine can see)`);
  }
  const report = buildReport({
    command: "status",
    stack: ctx.stack,
    environment: session.config.environment,
    startedAt: started,
    status,
    message: notes.join("; ") || undefined,
    outputs,
    record: active,
    health,
    nextSteps,
  });
  return { report, exitCode: health.verdict === "healthy" ? ExitCode.Done : ExitCode.NotHealthy };
}
