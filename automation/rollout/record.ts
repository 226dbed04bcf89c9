/**
 * The rollout record: plan, current step, measurements and who is driving, kept in the stack's
 * backend after every change so that `status`, `pause`, `abort` in another terminal and a
 * restarted driver on another machine all see the same rollout.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { pidRunning } from "../pid";
import type { Slot, Weights } from "../../model/weights";
import type { AnalysisRun } from "../analysis/types";
import type { PlanStep, StrategyName } from "../../model/config/plan";

export type RolloutStatus = "running" | "paused" | "succeeded" | "rolled-back" | "failed";
export type StepPhase = "pending" | "shifting" | "baking" | "analysing" | "done";
export type ControlAction = "pause" | "resume" | "promote" | "promote-full" | "abort";

export interface Owner {
  readonly host: string;
  readonly pid: number;
  readonly heartbeatAt: string;
}

export interface StepRecord {
  readonly phase: StepPhase;
  readonly bakeStartedAt?: string;
  readonly analysis?: AnalysisRun;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /**
   * True while this step's analysis runs (absent in records written before it: a resumed step is
   * analysed again anyway). The bake ends only once it is false.
   */
  readonly analysisPending?: boolean;
}

export interface RolloutRecord {
  readonly id: string;
  /** What the ledger calls it when it ends; "rollout" when absent (records written before this field). */
  readonly kind?: "rollout" | "rollback";
  /**
   * rollback: the release's exact config, applied once traffic is on its slot and before the
   * record says succeeded, so that a driver that resumes the record applies it too.
   */
  readonly finalConfig?: Readonly<Record<string, unknown>>;
  /**
   * The release the stack file asked for when this began (`slots`, `active`, as written). While
   * the file still asks for it, the record shapes what runs (see driver-status.ts); absent in
   * records written before the driver's status moved out of the stack file.
   */
  readonly intent?: Readonly<Record<string, unknown>>;
  /** What the engine applies while this runs, when not the intent (a rollback's move). */
  readonly release?: Readonly<Record<string, unknown>>;
  /** rollback: the release it goes back to. */
  readonly restoresRelease?: string;
  readonly stack: string;
  readonly service: string;
  readonly strategy: StrategyName;
  readonly stableSlot: Slot;
  readonly canarySlot: Slot;
  readonly stableVersion: string;
  readonly canaryVersion: string;
  readonly plan: readonly PlanStep[];
  /** True once the canary slot runs the new release (at the weights that ran before). */
  readonly prepared: boolean;
  /** Index into `plan` of the step in progress (== plan.length when all are done). */
  readonly stepIndex: number;
  readonly steps: readonly StepRecord[];
  /** blue-green: the old slot stays up this long after the switch (an abort can still switch back), then runs nothing. */
  readonly scaleDownAfterSeconds?: number;
  /** When every step was done and the hold before scale-down began. */
  readonly holdStartedAt?: string;
  /** blue-green: when the old slot was scaled down (a resumed driver does not do it again). */
  readonly scaledDownAt?: string;
  /** Weights the traffic split was last set to by this rollout. */
  readonly weights: Weights;
  readonly status: RolloutStatus;
  readonly statusReason?: string;
  /** A request from another terminal, handled by the driver at its next check. */
  readonly request?: { readonly action: ControlAction; readonly at: string };
  /** The driver working on it now; absent when none is. */
  readonly owner?: Owner;
  /** The `switchyard:` config values before the rollout, restored on rollback. */
  readonly priorConfig: Readonly<Record<string, unknown>>;
  /** Set while traffic goes back and the prior release is re-applied; a restarted driver finishes it. */
  readonly rollingBack?: string;
  /** When the rollback began (the failure was detected) and when traffic was all on stable again. */
  readonly rollbackStartedAt?: string;
  readonly stableRestoredAt?: string;
  /** What triggered a rollback, for the report. */
  readonly rollbackTriggers: readonly string[];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

export const ROLLOUT_KEY = "rollout";

/** Ended for good: the ledger has (or must get) an entry for it. */
export function isFinished(record: RolloutRecord | undefined): record is RolloutRecord {
  return record !== undefined && (record.status === "succeeded" || record.status === "rolled-back");
}

export function isActive(record: RolloutRecord | undefined): record is RolloutRecord {
  return record !== undefined && (record.status === "running" || record.status === "paused");
}

export function ownerHere(): Owner {
  return { host: hostname(), pid: process.pid, heartbeatAt: new Date().toISOString() };
}

/** What a command decides about a new rollout; the rest of a fresh record is the same for all. */
export type NewRollout = Omit<RolloutRecord, "id" | "prepared" | "stepIndex" | "steps" | "status" | "owner" | "rollbackTriggers" | "startedAt" | "updatedAt">;

/** A record at its start, driven by this process: `r-…` for a rollout, `rb-…` for a rollback. */
export function newRolloutRecord(fields: NewRollout, now = new Date()): RolloutRecord {
  const at = now.toISOString();
  return {
    id: `${fields.kind === "rollback" ? "rb" : "r"}-${randomUUID().slice(0, 8)}`,
    ...fields,
    prepared: false,
    stepIndex: 0,
    steps: [],
    status: "running",
    owner: ownerHere(),
    rollbackTriggers: [],
    startedAt: at,
    updatedAt: at,
  };
}

/** How long another machine's driver may stay silent before it is presumed dead. */
export const HEARTBEAT_STALE_MS = 30_000;

/** True when the record's driver is still working on it. A driver on this host is checked by pid. */
export function ownerAlive(owner: Owner | undefined, now = Date.now()): boolean {
  if (!owner) return false;
  if (owner.host === hostname()) {
    if (owner.pid === process.pid) return true;
    return pidRunning(owner.pid);
  }
  return now - Date.parse(owner.heartbeatAt) < HEARTBEAT_STALE_MS;
}
