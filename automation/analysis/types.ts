/**
 * Health analysis: the measurement-state model of Argo Rollouts, Pulumi-shaped. A metric
 * provider never throws: a failure to measure is a measurement in phase Error. Assessing a
 * metric's measurements is a pure function; the worst phase of a run's metrics wins.
 */
import type { Slot, Weights } from "../../model/weights";

export type Phase = "Pending" | "Running" | "Successful" | "Inconclusive" | "Error" | "Failed";

export interface Measurement {
  readonly phase: Phase;
  /** The measured value (a ratio, milliseconds, a count...) when there is one. */
  readonly value?: number;
  /** Why it is what it is: "5xx share 0.031 > max 0.01", "connection refused", "no data". */
  readonly message?: string;
  /** ISO-8601 times. */
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Where and what the analysis of one rollout step looks at. */
export interface AnalysisContext {
  readonly stack: string;
  readonly service: string;
  /** The slot receiving the new release, and the one serving the stable release. */
  readonly canarySlot: Slot;
  readonly stableSlot: Slot;
  readonly weights: Weights;
  /** Public endpoint of the service (through the traffic split). */
  readonly endpoint?: string;
  /** Direct endpoint of each slot, bypassing the split (pre-promotion checks). */
  readonly slotEndpoints: Partial<Readonly<Record<Slot, string>>>;
  /** Local target: HAProxy's runtime API and the backend whose servers are the slots. */
  readonly haproxy?: { readonly socketPath: string; readonly backend: string };
  /** Aborts waits between measurements (abort or pause from another terminal). */
  readonly signal?: AbortSignal;
}

export interface MetricProvider<Spec = unknown> {
  readonly type: string;
  /** One measurement. Must not throw: errors become a measurement in phase Error. */
  measure(spec: Spec, ctx: AnalysisContext): Promise<Measurement>;
}

export interface MetricResult {
  readonly name: string;
  readonly phase: Phase;
  readonly measurements: readonly Measurement[];
  /** Human summary: "3 successful, 1 failed (limit 0)". */
  readonly message: string;
}

export interface AnalysisRun {
  readonly phase: Phase;
  readonly metrics: readonly MetricResult[];
  readonly startedAt: string;
  readonly finishedAt: string;
}
