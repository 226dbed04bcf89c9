/**
 * The drift report: what the engine found, each change classified. The JSON keys are a public
 * contract (snake_case) read by CI and dashboards, like the rollout report's.
 */
import type { Timeline } from "../report/timeline";

/** Which question found a change: has the cloud moved from state, or have code/config? */
export type Question = "cloud" | "code";

export type ChangeClass = "drift" | "pending-change" | "rollout" | "ignored";
export const CHANGE_CLASSES: readonly ChangeClass[] = ["drift", "pending-change", "rollout", "ignored"];

/** What the engine would do to (code) or found about (cloud) one resource. */
export type ResourceOp = "update" | "delete" | "create" | "replace";

/** One leaf property that differs; values already redacted. */
export interface PropertyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What one engine operation said about one resource, before classification. */
export interface Observation {
  readonly question: Question;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ResourceOp;
  /** Leaf differences: outputs (cloud) or inputs (code). Empty for a deletion. */
  readonly properties: readonly PropertyChange[];
  /** Properties not listed because the resource had too many changes. */
  readonly truncated?: number;
  /** The engine saw a change but no visible value differs: it is in a secret (shown redacted on both sides). */
  readonly secretChange?: boolean;
  /** Gone from the cloud and from state since the successful deploy at this time (see lost.ts). */
  readonly lostSince?: string;
  /** code: an update planned although nothing declared differs from state; state holds a fault found earlier. */
  readonly recordedFault?: boolean;
  /** cloud: the read-back values state holds are themselves a fault (components/local/faults.ts). */
  readonly faultInState?: boolean;
}

export interface DriftItem {
  readonly class: ChangeClass;
  readonly source: Question;
  readonly urn: string;
  readonly type: string;
  readonly resource: string;
  readonly operation: ResourceOp;
  /** Property path; absent when the item is about the whole resource (deleted, created). */
  readonly property?: string;
  /** The value state records. */
  readonly state_value?: unknown;
  /** cloud: the value found in the cloud. */
  readonly found_value?: unknown;
  /** code: the value the program and config declare. */
  readonly declared_value?: unknown;
  /** Why it got its class: the ignore rule, the rollout, an expired rule. */
  readonly note?: string;
  /** Set when state lost the resource too: the time of the successful deploy that left it running. */
  readonly lost_since?: string;
}

/** A resource the check looked at, for CI reports that list passing cases too. */
export interface CheckedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

export type DriftStatus = "clean" | "drift" | "reverted" | "accepted" | "cancelled";

export interface FixView {
  readonly mode: "revert" | "accept";
  readonly applied: boolean;
  /** URNs the fix acted on. */
  readonly targets: readonly string[];
  /** What the update would do / did, by operation. */
  readonly changes?: Readonly<Record<string, number>>;
  /** accept: the config or code to change so that the next deploy keeps the cloud's values. */
  readonly follow_up: readonly string[];
}

export interface DriftReport {
  readonly summary: {
    readonly command: "drift";
    readonly stack: string;
    readonly status: DriftStatus;
    readonly started_at: string;
    readonly duration_seconds: number;
    readonly resources_checked: number;
    /** What was asked: "cloud" (refresh preview), "code" (preview), or both. */
    readonly questions: readonly Question[];
    readonly counts: Readonly<Record<ChangeClass, number>>;
    readonly exit_code: number;
  };
  readonly items: readonly DriftItem[];
  readonly resources: readonly CheckedResource[];
  /** The rollout in progress whose weights are labelled `rollout`. */
  readonly rollout?: { readonly id: string; readonly status: string; readonly weights: { readonly blue: number; readonly green: number } };
  /** That rollout's timeline so far (weights, measurements against thresholds, steps), for the charts. */
  readonly timeline?: Timeline;
  readonly fix?: FixView;
  readonly next_steps: readonly string[];
}

export function countByClass(items: readonly DriftItem[]): Record<ChangeClass, number> {
  const counts = Object.fromEntries(CHANGE_CLASSES.map((c) => [c, 0])) as Record<ChangeClass, number>;
  for (const item of items) counts[item.class]++;
  return counts;
}

/** The resource's own name: the last part of its URN. */
export const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);
