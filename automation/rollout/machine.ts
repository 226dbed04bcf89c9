/**
 * The rollout as a pure transition function: next(record, event, now) → (record, effects). No
 * I/O, no clock, no randomness: the loop (runner.ts) performs the effects and feeds their results
 * back. The record is the whole state, so a driver restarted on any machine goes on from it.
 */
import { allOn, type Slot, type Weights } from "../../model/weights";
import type { AnalysisRun } from "../analysis/types";
import type { DriverId, Effect, MachineEvent, Transition } from "./machine-types";
import { mergeStored, sameDriver } from "./merge";
import { ending, inconclusiveReason, rollbackReason, stepVerdict } from "./verdicts";
import type { ControlAction, RolloutRecord, StepRecord } from "./record";

/** How often the owner's heartbeat is renewed; HEARTBEAT_STALE_MS (record.ts) is 6 of these. */
export const HEARTBEAT_EVERY_MS = 5000;

export const weightsFor = (canary: Slot, canaryWeight: number): Weights =>
  canary === "green" ? { blue: 100 - canaryWeight, green: canaryWeight } : { blue: canaryWeight, green: 100 - canaryWeight };

/** An event the record's state cannot receive: a bug in the loop, never the user's doing. */
export class InvalidTransitionError extends Error {
  constructor(event: string, state: string) {
    super(`rollout machine: "${event}" cannot happen while the rollout is ${state}; the record is unchanged, run the command again to resume it`);
    this.name = "InvalidTransitionError";
  }
}

const iso = (now: number) => new Date(now).toISOString();
const emit = (event: Extract<Effect, { type: "emit" }>["event"]): Effect => ({ type: "emit", event });
const SAVE: Effect = { type: "save" };

export function next(record: RolloutRecord, event: MachineEvent, now: number): Transition {
  const t = transition(record, event, now);
  const last = t.effects.map((e) => e.type).lastIndexOf("save");
  if (last < 0) return t;
  // One write per transition, of the record as it ends up, where the last save was asked for.
  const effects = t.effects.filter((e, i) => e.type !== "save" || i === last);
  return { record: { ...t.record, updatedAt: iso(now) }, effects };
}

function transition(r: RolloutRecord, e: MachineEvent, now: number): Transition {
  switch (e.type) {
    case "started":
      if (r.rollingBack) return beginRollback(r, r.rollingBack, now, e.self);
      return proceed({ ...r, owner: { ...e.self, heartbeatAt: iso(now) }, status: "running", statusReason: undefined }, now, [SAVE]);
    case "rollback-requested":
      return beginRollback(r, e.reason, now, e.self);
    case "prepared":
      return proceed({ ...r, prepared: true }, now, [SAVE]);
    case "weights-applied":
      return r.rollingBack ? trafficRestored(r, e.weights, e.ms, now) : shifted(r, e, now);
    case "analysis-result":
      return analysed(r, e.index, e.run, now);
    case "tick":
      return inBake(r) ? bakeCheck(r, now, []) : inHold(r) ? holdCheck(r, now, []) : invalid(r, e.type);
    case "polled":
    case "save-conflict": {
      const merged = mergeStored(r, e.base, e.stored);
      if (merged.kind === "lost") return { record: r, effects: [{ type: "lease-lost", holder: merged.holder }] };
      return e.type === "save-conflict" ? { record: merged.record, effects: [SAVE] } : polled(merged.record, now);
    }
    case "heartbeat-due":
      if (r.status !== "running" || !r.owner || !sameDriver(r.owner, e.self)) return { record: r, effects: [] };
      return { record: { ...r, owner: { ...r.owner, heartbeatAt: iso(now) } }, effects: [SAVE] };
    case "scaled-down":
      return finalize({ ...r, scaledDownAt: iso(now) }, now, [emit({ type: "scaled-down", slot: r.stableSlot }), SAVE]);
    case "final-config-applied":
      return succeed(r, now);
    case "prior-restored":
      if (!r.rollingBack) return invalid(r, e.type);
      return {
        record: { ...r, status: "rolled-back", statusReason: r.rollingBack, rollingBack: undefined, request: undefined, finishedAt: iso(now), owner: undefined },
        effects: [SAVE, { type: "record-finished" }],
      };
    case "recorded": {
      const end = ending(r);
      return end ? { record: r, effects: [emit(end.event), { type: "finish", outcome: end.outcome }] } : invalid(r, e.type);
    }
    case "effect-failed":
      return { record: r, effects: [...cancelAnalysis(r), { type: "fail", error: e.error }] };
    default:
      return unreachable(e);
  }
}

function unreachable(e: never): never {
  throw new InvalidTransitionError((e as { type: string }).type, "in any state");
}

function invalid(r: RolloutRecord, event: string): Transition {
  const state = r.rollingBack ? "rolling back" : `${r.status} at step ${r.stepIndex + 1}/${r.plan.length}`;
  return { record: r, effects: [{ type: "fail", error: new InvalidTransitionError(event, state) }] };
}

const inBake = (r: RolloutRecord) => r.status === "running" && !r.rollingBack && r.prepared && r.stepIndex < r.plan.length;
const inHold = (r: RolloutRecord) => r.status === "running" && !r.rollingBack && r.stepIndex >= r.plan.length && r.holdStartedAt !== undefined && !r.scaledDownAt;
const stepOf = (r: RolloutRecord, index = r.stepIndex): StepRecord => r.steps[index] ?? { phase: "pending" };

function withStep(r: RolloutRecord, change: Partial<StepRecord>, index = r.stepIndex): RolloutRecord {
  const steps = [...r.steps];
  steps[index] = { ...stepOf(r, index), ...change };
  return { ...r, steps };
}

/** Forgets an analysis in flight (it is being cancelled); touches no step past the plan. */
const clearPending = (r: RolloutRecord): RolloutRecord => (stepOf(r).analysisPending && r.steps[r.stepIndex] ? withStep(r, { analysisPending: undefined }) : r);

const cancelAnalysis = (r: RolloutRecord): Effect[] => (stepOf(r).analysisPending ? [{ type: "cancel-analysis" }] : []);

/** Forward from wherever the record stands: prepare, the current step, or the end. */
function proceed(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  if (!r.prepared) return { record: r, effects: [...before, emit({ type: "preparing" }), { type: "prepare" }] };
  if (r.stepIndex >= r.plan.length) return afterSteps(r, now, before);
  const index = r.stepIndex;
  const step = r.plan[index]!;
  const state = stepOf(r);
  switch (state.phase) {
    case "pending":
    case "shifting": {
      const weights = weightsFor(r.canarySlot, step.weight);
      const record = withStep(r, { phase: "shifting", startedAt: state.startedAt ?? iso(now) });
      return { record, effects: [...before, emit({ type: "step-started", index, step, weights }), SAVE, { type: "set-weights", weights }] };
    }
    case "baking":
    case "analysing": {
      // A resumed bake keeps its start time; its analysis starts again, on the traffic as it is now.
      const record = withStep(r, { analysisPending: step.analysis || undefined });
      return bakeCheck(record, now, [...before, ...startAnalysis(record), SAVE]);
    }
    case "done":
      // The step ended but the index was not moved on (records of older drivers save them apart).
      return proceed({ ...r, stepIndex: index + 1 }, now, [...before, SAVE]);
  }
}

function startAnalysis(r: RolloutRecord): Effect[] {
  const index = r.stepIndex;
  const step = r.plan[index]!;
  return step.analysis ? [{ type: "start-analysis", index, step, weights: weightsFor(r.canarySlot, step.weight) }] : [];
}

function shifted(r: RolloutRecord, e: Extract<MachineEvent, { type: "weights-applied" }>, now: number): Transition {
  const index = r.stepIndex;
  if (!inBake(r) || stepOf(r).phase !== "shifting") return invalid(r, e.type);
  const step = r.plan[index]!;
  const record = withStep({ ...r, weights: e.weights }, { phase: "baking", bakeStartedAt: iso(now), analysisPending: step.analysis || undefined });
  const applied = emit({ type: "weights-applied", index, weights: e.weights, verified: e.verified, ms: e.ms });
  return bakeCheck(record, now, [applied, SAVE, ...startAnalysis(record)]);
}

const bakeEnds = (r: RolloutRecord, now: number) => Date.parse(stepOf(r).bakeStartedAt ?? iso(now)) + r.plan[r.stepIndex]!.bakeSeconds * 1000;

/**
 * Bake and analysis run together: the step ends when both are over, or at once when the
 * analysis says the release is bad. Until then: show the countdown and look for requests.
 */
function bakeCheck(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  const state = stepOf(r);
  const ends = bakeEnds(r, now);
  if (!state.analysisPending && ends <= now) return concludeStep(r, now, before);
  return { record: r, effects: [...before, emit({ type: "baking", index: r.stepIndex, remainingMs: Math.max(0, ends - now) }), { type: "poll" }] };
}

/** After a poll with nothing to do, or an early analysis result: wait for the bake (or the next poll). */
function waitHere(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  if (inHold(r)) return { record: r, effects: [...before, { type: "wait", until: holdEnds(r) }] };
  if (!inBake(r)) return invalid(r, "wait");
  const ends = bakeEnds(r, now);
  if (!stepOf(r).analysisPending && ends <= now) return concludeStep(r, now, before);
  // Bake over, analysis still running: its result ends the wait; until then poll as usual.
  return { record: r, effects: [...before, ends > now ? { type: "wait", until: ends } : { type: "wait" }] };
}

function analysed(r: RolloutRecord, index: number, run: AnalysisRun | undefined, now: number): Transition {
  // A result of an analysis already cancelled or superseded changes nothing.
  if (!inBake(r) || index !== r.stepIndex || !stepOf(r).analysisPending) return waitHere(r, now, []);
  const record = withStep(r, { analysisPending: false, ...(run ? { analysis: run } : {}) });
  const shown: Effect[] = run ? [emit({ type: "analysis", index, run }), SAVE] : [SAVE];
  // A failing release leaves service now, not at the end of the bake.
  if (run && stepVerdict(run.phase) === "roll-back") return beginRollback(record, rollbackReason(record, run), now, undefined, shown);
  return waitHere(record, now, shown);
}

/** The analysis phase decides what follows the step (verdicts.ts holds the table). */
function concludeStep(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  const run = stepOf(r).analysis;
  const phase = r.plan[r.stepIndex]!.analysis && run ? run.phase : "Successful";
  switch (stepVerdict(phase)) {
    case "roll-back":
      return beginRollback(r, rollbackReason(r, run!), now, undefined, before);
    case "pause":
      return pauseWith(r, inconclusiveReason(r, run), before);
    case "next-step":
      return advance(r, r.stepIndex + 1, now, before);
  }
}

function advance(r: RolloutRecord, to: number, now: number, before: readonly Effect[]): Transition {
  const done = withStep(r, { phase: "done", finishedAt: iso(now), analysisPending: undefined });
  return proceed({ ...done, stepIndex: to }, now, [...before, SAVE]);
}

function polled(r: RolloutRecord, now: number): Transition {
  const action = r.request?.action;
  const stale = !r.owner || now - Date.parse(r.owner.heartbeatAt) > HEARTBEAT_EVERY_MS;
  const renewed = r.owner && stale ? { ...r, owner: { ...r.owner, heartbeatAt: iso(now) } } : r;
  if (!action) return waitHere(renewed, now, renewed === r ? [] : [SAVE]);
  return onRequest({ ...renewed, request: undefined }, action, now, [SAVE, emit({ type: "request", action })]);
}

/** A request from another terminal, in the bake of a step or in the blue-green hold. */
function onRequest(r: RolloutRecord, action: ControlAction, now: number, before: readonly Effect[]): Transition {
  const hold = inHold(r);
  const during = hold ? " during the hold before scale-down" : "";
  const stop = [...before, ...cancelAnalysis(r)];
  const cleared = clearPending(r);
  switch (action) {
    case "abort":
      return beginRollback(cleared, `aborted by request${during}`, now, undefined, stop);
    case "pause":
      return pauseWith(cleared, `paused by request${during}`, stop);
    case "promote":
    case "promote-full": {
      if (hold) return { record: r, effects: [...before, { type: "scale-down", slot: r.stableSlot }] };
      // promote: the rest of this step is skipped; --full: straight to the last step, which still bakes and analyses.
      const last = r.plan.length - 1;
      return advance(cleared, action === "promote-full" && r.stepIndex < last ? last : r.stepIndex + 1, now, stop);
    }
    case "resume":
      return waitHere(r, now, before);
  }
}

const holdEnds = (r: RolloutRecord) => Date.parse(r.holdStartedAt!) + (r.scaleDownAfterSeconds ?? 0) * 1000;

/** blue-green keeps the old slot up for the hold (an abort can still switch back in one update), then scales it down. */
function afterSteps(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  if (r.scaleDownAfterSeconds === undefined || r.scaledDownAt) return finalize(r, now, before);
  if (!r.holdStartedAt) return holdCheck({ ...r, holdStartedAt: iso(now) }, now, [...before, SAVE]);
  return holdCheck(r, now, before);
}

function holdCheck(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  const remaining = holdEnds(r) - now;
  if (remaining <= 0) return { record: r, effects: [...before, { type: "scale-down", slot: r.stableSlot }] };
  return { record: r, effects: [...before, emit({ type: "holding", remainingMs: remaining, slot: r.stableSlot }), { type: "poll" }] };
}

/** A rollback carries the release's exact config: applied before the record may say succeeded. */
function finalize(r: RolloutRecord, now: number, before: readonly Effect[]): Transition {
  if (r.finalConfig) return { record: r, effects: [...before, { type: "apply-final-config", config: r.finalConfig }] };
  return succeed(r, now, before);
}

function succeed(r: RolloutRecord, now: number, before: readonly Effect[] = []): Transition {
  return { record: { ...r, status: "succeeded", finishedAt: iso(now), owner: undefined }, effects: [...before, SAVE, { type: "record-finished" }] };
}

/** Traffic back to the stable slot first (one targeted update), then the prior release again. */
function beginRollback(r: RolloutRecord, reason: string, now: number, self: DriverId | undefined, before: readonly Effect[] = []): Transition {
  const owner = self ? { ...self, heartbeatAt: iso(now) } : r.owner;
  const record: RolloutRecord = {
    ...clearPending(r),
    owner,
    status: "running",
    statusReason: `rolling back: ${reason}`,
    rollingBack: reason,
    request: undefined,
    rollbackStartedAt: r.rollbackStartedAt ?? iso(now),
    rollbackTriggers: r.rollingBack ? r.rollbackTriggers : [...r.rollbackTriggers, reason],
  };
  const cancel = before.some((e) => e.type === "cancel-analysis") ? [] : cancelAnalysis(r);
  return { record, effects: [...before, ...cancel, emit({ type: "rollback-started", reason }), SAVE, { type: "set-weights", weights: allOn(r.stableSlot) }] };
}

function trafficRestored(r: RolloutRecord, weights: Weights, ms: number, now: number): Transition {
  return {
    record: { ...r, weights, stableRestoredAt: iso(now) },
    effects: [SAVE, emit({ type: "rollback-traffic-restored", weights, ms }), { type: "restore-prior", priorConfig: r.priorConfig }],
  };
}

function pauseWith(r: RolloutRecord, reason: string, before: readonly Effect[]): Transition {
  return {
    record: { ...r, status: "paused", statusReason: reason, owner: undefined },
    effects: [...before, SAVE, emit({ type: "finished", outcome: "paused", reason }), { type: "finish", outcome: "paused" }],
  };
}
