/**
 * The vocabulary of the rollout state machine: what the loop feeds it (events: results of what it
 * did, time passing, what it read from the store) and what it asks the loop to do (effects).
 * The machine itself (machine.ts) is pure; everything it needs to know arrives in an event.
 */
import type { Slot, Weights } from "../../model/weights";
import type { AnalysisRun } from "../analysis/types";
import type { PlanStep } from "../../model/config/plan";
import type { ControlAction, Owner, RolloutRecord } from "./record";

export type RolloutOutcome = "succeeded" | "rolled-back" | "paused";

/** Progress as the CLI's view shows it (automation/report/progress.ts): payloads are a contract. */
export type RolloutEvent =
  | { type: "preparing" }
  | { type: "step-started"; index: number; step: PlanStep; weights: Weights }
  | { type: "weights-applied"; index: number; weights: Weights; verified: boolean | undefined; ms: number }
  | { type: "baking"; index: number; remainingMs: number }
  | { type: "analysis"; index: number; run: AnalysisRun }
  | { type: "request"; action: ControlAction }
  | { type: "rollback-started"; reason: string }
  | { type: "rollback-traffic-restored"; weights: Weights; ms: number }
  | { type: "holding"; remainingMs: number; slot: Slot }
  | { type: "scaled-down"; slot: Slot }
  | { type: "finished"; outcome: RolloutOutcome; reason?: string };

/** Which driver process this is; the heartbeat time is added by the machine from `now`. */
export type DriverId = Pick<Owner, "host" | "pid">;

export type MachineEvent =
  /** run(): take the record over and go on from wherever it stands. */
  | { readonly type: "started"; readonly self: DriverId }
  /** rollback(reason) called directly (abort with no driver running). */
  | { readonly type: "rollback-requested"; readonly reason: string; readonly self: DriverId }
  | { readonly type: "prepared" }
  /** The traffic split was set (a step's shift or the rollback's move back to stable). */
  | { readonly type: "weights-applied"; readonly weights: Weights; readonly verified: boolean | undefined; readonly ms: number }
  /** The step's analysis ended; `run` is undefined when no analysis is configured. */
  | { readonly type: "analysis-result"; readonly index: number; readonly run: AnalysisRun | undefined }
  /** A wait ended: time passed. */
  | { readonly type: "tick" }
  /**
   * The store was read for requests of other terminals. `base` is what this driver last stored
   * or read, so that a request that is new can be told from one already handled.
   */
  | { readonly type: "polled"; readonly stored: RolloutRecord; readonly base: RolloutRecord }
  /** A save lost a compare-and-swap: another terminal wrote in between (same shape as polled). */
  | { readonly type: "save-conflict"; readonly stored: RolloutRecord; readonly base: RolloutRecord }
  | { readonly type: "heartbeat-due"; readonly self: DriverId }
  | { readonly type: "scaled-down" }
  | { readonly type: "prior-restored" }
  | { readonly type: "final-config-applied" }
  /** The ledger has the finished record. */
  | { readonly type: "recorded" }
  /** An effect threw (an engine update, the analysis): the run stops with that error. */
  | { readonly type: "effect-failed"; readonly effect: Effect["type"]; readonly error: unknown };

export type Effect =
  /** Write the record as it now is (compare-and-swap on the revision last seen). */
  | { readonly type: "save" }
  | { readonly type: "emit"; readonly event: RolloutEvent }
  | { readonly type: "prepare" }
  | { readonly type: "set-weights"; readonly weights: Weights }
  /** Runs beside the bake; its result comes back as analysis-result, and ends a wait early. */
  | { readonly type: "start-analysis"; readonly index: number; readonly step: PlanStep; readonly weights: Weights }
  /** Aborts the analysis in flight and waits for it to stop; its result is dropped. */
  | { readonly type: "cancel-analysis" }
  /** Until `until` or the next poll, whichever is first (no `until`: the next poll). */
  | { readonly type: "wait"; readonly until?: number }
  | { readonly type: "poll" }
  | { readonly type: "scale-down"; readonly slot: Slot }
  | { readonly type: "restore-prior"; readonly priorConfig: Readonly<Record<string, unknown>> }
  | { readonly type: "apply-final-config"; readonly config: Readonly<Record<string, unknown>> }
  | { readonly type: "record-finished" }
  | { readonly type: "finish"; readonly outcome: RolloutOutcome }
  /** Another driver or command took the record over (this driver's heartbeat went stale): stop, write nothing. */
  | { readonly type: "lease-lost"; readonly holder: string }
  | { readonly type: "fail"; readonly error: unknown };

/** Effects after which the loop waits for a result to feed back; every transition ends with one, or with finish/fail/lease-lost. */
export const AWAITED: ReadonlySet<Effect["type"]> = new Set([
  "prepare",
  "set-weights",
  "wait",
  "poll",
  "scale-down",
  "restore-prior",
  "apply-final-config",
  "record-finished",
]);

export interface Transition {
  readonly record: RolloutRecord;
  readonly effects: readonly Effect[];
}
