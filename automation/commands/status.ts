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
import { thresholdsOf } from "../report/timeline";
import { heldBack, heldBackText, releaseIntentOf } from "../rollout/driver-status";
import { isActive, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { readStackConfigValues } from "../stack-file";
import { openRolloutSession } from "../rollout/session";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";
import type { CommandContext } from "./context";
import type { Finding } from "../health/model";
import { assessmentOf } from "../health/assess";
import { observeRegions, regionFindings } from "../health/regions";
import { getAnswer } from "../health/probes";
import { readLiveRegionWeights } from "../dr/read-back";
import { isMoving, REGION_MOVE_KEY, type RegionMoveRecord } from "../dr/record";
import { weightsAt } from "../dr/machine";
import { filePrimaryOf } from "../dr/status";
import { servingRegion } from "../../model/config/dr";
import type { RegionsOutputs } from "../../model/outputs";
import type { RolloutSession } from "../rollout/session";
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

/** The regions as the data plane serves them, and the move that shaped them, in words. */
async function regionalHealth(session: RolloutSession, regions: RegionsOutputs, move: RegionMoveRecord | undefined): Promise<{ findings: Finding[]; notes: string[] }> {
  const stack = session.ctx.stack;
  const inFlight = move && isMoving(move) ? [move.weights, ...move.plan.map((share) => weightsAt(move, share))] : [];
  const observed = await observeRegions(regions, inFlight, { get: (url) => getAnswer(url), live: () => readLiveRegionWeights({ regions }) });
  const notes: string[] = [];
  const live = observed.live && !("error" in observed.live) ? observed.live : undefined;
  const serving = servingRegion(live ?? regions.weights);
  const filePrimary = filePrimaryOf(readStackConfigValues(session.ctx.workDir, stack), { home: regions.names[0] });
  if (move && isMoving(move)) notes.push(`${move.kind} ${move.id} ${move.from} -> ${move.to} in progress (${move.phase}, step ${move.stepIndex + 1}/${move.plan.length})`);
  else if (serving && serving !== filePrimary) notes.push(`serving from ${serving}, the standby${move ? ` (${move.kind} ${move.id})` : ""}; the stack file names ${filePrimary}: set switchyard:dr.primary: ${serving}, or run switchyard failback --stack ${stack} once ${filePrimary} is healthy`);
  else if (serving && live) notes.push(`region ${serving} serves (read from the regional split)${move ? `; last ${move.kind} ${move.id} ${move.status}` : ""}`);
  else if (serving) notes.push(`state says region ${serving} serves; the regional split could not be read to show it${move ? `; last ${move.kind} ${move.id} ${move.status}` : ""}`);
  return { findings: regionFindings(observed, stack), notes };
}

export async function status(ctx: CommandContext): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  // Every record the driver's status comes from is read, regional stack or not: one that cannot be read stops deploy too.
  const [outputs, history, stored, state, storedMove] = await Promise.all([
    session.outputs(),
    session.opened.run("status", (stack) => stack.history(1)),
    session.store.get<RolloutRecord>(ROLLOUT_KEY),
    session.opened.run("exporting state", (stack) => stack.exportStack()) as Promise<ExportedState>,
    session.store.get<RegionMoveRecord>(REGION_MOVE_KEY),
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
  const regional = outputs.regions ? await regionalHealth(session, outputs.regions, storedMove?.value) : undefined;
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
  if (regional) notes.push(...regional.notes);
  const healthWithRegions = regional ? { ...assessmentOf([...health.problems, ...health.notes, ...regional.findings]), live_weights: health.live_weights } : health;
  if (healthWithRegions.verdict !== "healthy" && !active) {
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
    thresholds: thresholdsOf(session.config.analysis?.metrics),
    health: healthWithRegions,
    nextSteps,
  });
  return { report, exitCode: healthWithRegions.verdict === "healthy" ? ExitCode.Done : ExitCode.NotHealthy };
}
