/**
 * `rollback`: re-applies a prior release with the engine. Its release-defining config becomes the
 * driver's status in the backend (the stack file is never written) and the engine applies it; the state is never imported, because that would
 * rewrite state, not the cloud. Traffic moves through the rollout machinery: the release's slot
 * is brought up with its version while it takes no traffic, then traffic moves to it (at once,
 * or step by step with analysis under --gradual), then the release's exact config is applied.
 */
import { execFileSync } from "node:child_process";
import { otherSlot, type Slot } from "../../model/weights";
import { SwitchyardError, RolloutInProgressError } from "../../model/errors";
import { gitCommit } from "../releases/ledger";
import { listReleases, type Release } from "../releases/releases";
import { RELEASE_KEYS } from "../../model/driver-status";
import { releaseIntentOf } from "../rollout/driver-status";
import { isActive, newRolloutRecord, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { withAnalysisPhases } from "../../model/config/analysis-phases";
import { planOf } from "../../model/config/rollout";
import { openRolloutSession, type RolloutSession } from "../rollout/session";
import { preflight } from "../preflight";
import { readStackConfigValues } from "../stack-file";
import type { CommandContext } from "./context";
import { isMoving, REGION_MOVE_KEY, type RegionMoveRecord } from "../dr/record";
import { RegionMoveInProgressError } from "../dr/errors";
import { driveRollout, type CommandResult } from "./deploy";

export interface RollbackFlags {
  readonly to?: string;
  readonly force?: boolean;
  readonly gradual?: boolean;
}

export class RollbackError extends SwitchyardError {}

/** Paths whose changes alter the program; a release's commit must match them or --force. */
const PROGRAM_PATHS = ["stacks/program.ts", "stacks/targets", "stacks/load-config.ts", "model", "components"];

export function programChangedSince(workDir: string, commit: string | undefined): string | undefined {
  const head = gitCommit(workDir).commit;
  if (!commit || !head || commit === head) return undefined;
  try {
    execFileSync("git", ["diff", "--quiet", commit, "--", ...PROGRAM_PATHS], { cwd: workDir, stdio: "ignore" });
    return undefined;
  } catch (error) {
    const status = (error as { status?: number }).status;
    return status === 1 ? `the program changed since commit ${commit.slice(0, 8)}` : `commit ${commit.slice(0, 8)} is not in this checkout`;
  }
}

function pickTarget(list: readonly Release[], to: string | undefined, stack: string): Release {
  if (list.length === 0) throw new RollbackError(`stack "${stack}" has no recorded release`, `deploy it first: switchyard deploy --stack ${stack}`);
  if (to) {
    const found = list.find((r) => r.id === to || String(r.number) === to);
    if (!found) throw new RollbackError(`stack "${stack}" has no release ${to}`, `pick one from: switchyard releases --stack ${stack}`);
    return found;
  }
  const previous = list.at(-2);
  if (!previous) throw new RollbackError(`stack "${stack}" has only one release (${list[0]!.id}); there is nothing before it`, "deploy a fix instead");
  return previous;
}

export async function rollback(ctx: CommandContext, flags: RollbackFlags): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  const existing = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
  if (existing && isActive(existing.value)) {
    if (ownerAlive(existing.value.owner)) throw new RolloutInProgressError(ctx.stack, existing.value.id, `${existing.value.owner!.host} pid ${existing.value.owner!.pid}`);
    throw new RollbackError(`stack "${ctx.stack}" has rollout ${existing.value.id} ${existing.value.status}`, `finish or undo it first: switchyard abort --stack ${ctx.stack}`);
  }
  const move = (await session.store.get<RegionMoveRecord>(REGION_MOVE_KEY))?.value;
  if (move && isMoving(move)) throw new RegionMoveInProgressError(ctx.stack, move);
  await preflight(session.config, ctx.stack, ctx.workDir);
  const list = await listReleases(session.store);
  const target = pickTarget(list, flags.to, ctx.stack);
  const current = list.at(-1)!;
  const changed = programChangedSince(ctx.workDir, target.commit);
  if (changed && !flags.force) {
    throw new RollbackError(`${target.id}: ${changed}`, `run from that commit (git checkout ${target.commit?.slice(0, 12)}) or pass --force to apply its config with today's program`);
  }
  const targetSlot: Slot | undefined = target.activeSlot;
  if (!targetSlot || !target.versions.blue || !target.versions.green) {
    throw new RollbackError(`${target.id} has no complete config in the stack's history`, "pick another release with --to");
  }
  const outputs = await session.outputs();
  const running = outputs.weights!;
  const servingSlot: Slot | undefined = running.blue === 100 ? "blue" : running.green === 100 ? "green" : undefined;
  const targetConfig = Object.fromEntries(RELEASE_KEYS.map((key) => [key, target.config[key]]));
  const wanted = target.versions[targetSlot]!;
  // Serve the release's version from a slot that takes no traffic now: the release's own slot
  // when it is idle; otherwise the other one first, and the exact config moves it back after.
  const canary = servingSlot === targetSlot && outputs.slots?.[targetSlot]?.version !== wanted ? otherSlot(targetSlot) : targetSlot;
  const plan = servingSlot === canary ? [] : planFor(session, flags);
  const doc = await startRecord(session, target, current, canary, wanted, flags, plan, targetConfig);
  // The record carries the exact config: the runner applies it before the record says succeeded.
  return driveRollout(session, doc, "rollback", started, () => verifyOutputs(session, target));
}

class RollbackVerificationError extends SwitchyardError {}

/** After a rollback, the stack's outputs must show the release's versions and weights. */
async function verifyOutputs(session: RolloutSession, target: Release): Promise<void> {
  const out = await session.outputs();
  const problems: string[] = [];
  for (const slot of ["blue", "green"] as const) {
    if (out.slots?.[slot]?.version !== target.versions[slot]) problems.push(`${slot} runs ${out.slots?.[slot]?.version}, the release ${target.versions[slot]}`);
  }
  if (target.weights && (out.weights?.blue !== target.weights.blue || out.weights?.green !== target.weights.green)) {
    problems.push(`weights are ${JSON.stringify(out.weights)}, the release's ${JSON.stringify(target.weights)}`);
  }
  if (problems.length) {
    throw new RollbackVerificationError(`after rolling back to ${target.id} the stack's outputs differ: ${problems.join("; ")}`, `run switchyard drift --stack ${session.ctx.stack}`);
  }
}

function planFor(session: RolloutSession, flags: RollbackFlags) {
  // Not gradual: straight to the release's slot, no bake, no analysis: restoring service is urgent.
  return flags.gradual ? withAnalysisPhases(planOf(session.config.rollout), session.config.analysis) : [{ kind: "shift" as const, weight: 100, bakeSeconds: 0, analysis: false }];
}

/** A rollout record whose canary is the release's slot running the release's version. */
async function startRecord(session: RolloutSession, target: Release, current: Release, canary: Slot, canaryVersion: string, flags: RollbackFlags, plan: RolloutRecord["plan"], finalConfig: Record<string, unknown>) {
  const { ctx } = session;
  const outputs = await session.outputs();
  const stable = otherSlot(canary);
  // During the move the serving slot keeps what it runs; the exact release config follows at the end.
  const release = {
    slots: {
      [stable]: { ...((target.config.slots as Record<string, object>)?.[stable] ?? {}), version: outputs.slots?.[stable]?.version },
      [canary]: { ...((target.config.slots as Record<string, object>)?.[canary] ?? {}), version: canaryVersion },
    },
    active: canary,
  };
  const record = newRolloutRecord({
    kind: "rollback",
    finalConfig,
    release,
    // The file's release when the rollback began: while the file still asks for it, the restored release stays.
    intent: { ...releaseIntentOf(readStackConfigValues(ctx.workDir, ctx.stack)) },
    restoresRelease: target.id,
    stack: ctx.stack,
    service: session.config.service,
    strategy: flags.gradual ? "canary" : "all-at-once",
    stableSlot: stable,
    canarySlot: canary,
    stableVersion: outputs.slots?.[stable]?.version ?? "?",
    canaryVersion,
    plan,
    weights: outputs.weights!,
    statusReason: `rolling back to ${target.id}`,
    priorConfig: current.config,
  });
  const existing = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
  return session.store.put(ROLLOUT_KEY, record, existing?.revision ?? 0);
}
