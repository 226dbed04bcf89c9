/**
 * The record of a regional move (failover, failback, drill): kept in the stack's backend beside
 * the rollout record, after every transition, so that `status`, a second terminal and a
 * restarted driver see the same move, and so the driver's status (regional weights in flight)
 * comes from it. It is status, never intent: the stack file's `switchyard:dr.primary` says which
 * region should serve.
 */
import { randomUUID } from "node:crypto";
import type { RegionWeights } from "../../model/config/dr";
import type { AnalysisRun } from "../analysis/types";
import type { Owner } from "../rollout/record";

export type RegionMoveKind = "failover" | "failback" | "drill";
/** refused: a check before anything moved said no; rolled-back: traffic went back to `from`. */
export type RegionMoveStatus = "running" | "succeeded" | "rolled-back" | "refused" | "failed";

export interface RegionStep {
  /** The destination region's share at this step. */
  readonly share: number;
  readonly appliedAt?: string;
  /** The data plane's answer after the engine applied the step (undefined: the target cannot tell). */
  readonly verified?: boolean;
  readonly analysis?: AnalysisRun;
}

export interface RegionMoveRecord {
  readonly id: string;
  readonly kind: RegionMoveKind;
  readonly stack: string;
  /** The region that served when the move began, and the one it moves to. */
  readonly from: string;
  readonly to: string;
  /** The target's home region (its first): the primary when the stack file names none. */
  readonly home: string;
  /** Destination shares in order; a drill ends with a return to `from` (share 0). */
  readonly plan: readonly number[];
  /** How long each step holds while the destination is analysed (a drill: its hold). */
  readonly bakeMs: number;
  /** Promote the destination's data replicas once it serves all traffic (never in a drill). */
  readonly promoteData: boolean;
  readonly phase: "checking" | "shifting" | "analysing" | "promoting" | "returning" | "done";
  readonly stepIndex: number;
  readonly steps: readonly RegionStep[];
  /** Regional weights last applied by this move. */
  readonly weights: RegionWeights;
  readonly status: RegionMoveStatus;
  readonly statusReason?: string;
  /** What started it: a person's command, or `switchyard watch` after failed measurements. */
  readonly trigger: "command" | "watch";
  /** watch: when the primary's first failed measurement of the run that triggered it was taken. */
  readonly faultAt?: string;
  /** The pre-check of the destination before anything moved. */
  readonly precheck?: AnalysisRun;
  /** When the data plane first showed the destination serving all traffic. */
  readonly servesAllAt?: string;
  /** The region holding the data when the move began, when the stack file's primary did not (an earlier failover's promotion). */
  readonly baseDataPrimary?: string;
  /** When the destination's data replicas were promoted. */
  readonly dataPromotedAt?: string;
  readonly owner?: Owner;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

export const REGION_MOVE_KEY = "region-move";

export const isMoving = (record: RegionMoveRecord | undefined): boolean => record?.status === "running";

const PREFIX: Record<RegionMoveKind, string> = { failover: "fo", failback: "fb", drill: "dd" };

export type NewRegionMove = Pick<RegionMoveRecord, "kind" | "stack" | "from" | "to" | "home" | "plan" | "bakeMs" | "promoteData" | "weights" | "trigger" | "faultAt" | "owner" | "baseDataPrimary">;

export function newRegionMove(fields: NewRegionMove, now = new Date()): RegionMoveRecord {
  const at = now.toISOString();
  return { id: `${PREFIX[fields.kind]}-${randomUUID().slice(0, 8)}`, ...fields, phase: "checking", stepIndex: 0, steps: [], status: "running", startedAt: at, updatedAt: at };
}

/**
 * Recovery time: from the fault (watch) or the command's start until the data plane showed the
 * destination serving all traffic. Undefined until it does.
 */
export function rtoSeconds(record: RegionMoveRecord): number | undefined {
  if (!record.servesAllAt) return undefined;
  const from = Date.parse(record.faultAt ?? record.startedAt);
  return Math.round((Date.parse(record.servesAllAt) - from) / 100) / 10;
}
