/**
 * Pure assessment of measurements, after Argo Rollouts' `assessMetricStatus` and `IsWorse`:
 * limits per metric, errors kept apart from failures, and the worst phase deciding a run.
 */
import type { Measurement, Phase } from "./types";
import type { Threshold } from "../../model/config/analysis";

/**
 * Best to worst. Failed is worse than Error (as in Argo's IsWorse): a failure is evidence the
 * release is bad, an error only says evidence is missing. Running and Pending sit between
 * Successful and Inconclusive: an unfinished metric is not yet bad, but not good either.
 */
export const PHASE_ORDER: readonly Phase[] = ["Successful", "Running", "Pending", "Inconclusive", "Error", "Failed"];

export const isWorse = (candidate: Phase, than: Phase): boolean => PHASE_ORDER.indexOf(candidate) > PHASE_ORDER.indexOf(than);

/** The worst of several phases; Successful for none (nothing to object to). */
export const worstPhase = (phases: Iterable<Phase>): Phase => {
  let worst: Phase = "Successful";
  for (const phase of phases) if (isWorse(phase, worst)) worst = phase;
  return worst;
};

/** A metric's phase once decided: it will take no more measurements. */
export const isDecided = (phase: Phase): boolean => phase !== "Running" && phase !== "Pending";

export interface MetricLimits {
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
}

export interface Tally {
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly errors: number;
  /** Errors at the end of the list, without a non-error measurement after them. */
  readonly consecutiveErrors: number;
  /** Measurements that count towards `count`: errors are retried, as in Argo Rollouts. */
  readonly counted: number;
}

export function tally(measurements: readonly Measurement[]): Tally {
  let successful = 0, failed = 0, inconclusive = 0, errors = 0, consecutiveErrors = 0;
  for (const m of measurements) {
    if (m.phase === "Error") {
      errors += 1;
      consecutiveErrors += 1;
      continue;
    }
    consecutiveErrors = 0;
    if (m.phase === "Successful") successful += 1;
    else if (m.phase === "Failed") failed += 1;
    else if (m.phase === "Inconclusive") inconclusive += 1;
  }
  return { successful, failed, inconclusive, errors, consecutiveErrors, counted: successful + failed + inconclusive };
}

/**
 * The phase of one metric given its measurements so far. Limits are checked worst first, so a
 * list that crosses several at once gets the worst verdict; within limits, the metric is
 * Successful once `count` non-error measurements exist, Running before, Pending with none.
 */
export function assessMetric(limits: MetricLimits, measurements: readonly Measurement[]): Phase {
  if (measurements.length === 0) return "Pending";
  const t = tally(measurements);
  if (t.failed > limits.failureLimit) return "Failed";
  if (t.consecutiveErrors > limits.consecutiveErrorLimit) return "Error";
  if (t.inconclusive > limits.inconclusiveLimit) return "Inconclusive";
  return t.counted >= limits.count ? "Successful" : "Running";
}

/** "3 successful, 1 failed (limit 0), 2 errors", plus every measured value. */
export function summarize(limits: MetricLimits, measurements: readonly Measurement[]): string {
  const t = tally(measurements);
  const parts = [`${t.counted} of ${limits.count} measured`, `${t.successful} successful`];
  if (t.failed > 0 || limits.failureLimit > 0) parts.push(`${t.failed} failed (limit ${limits.failureLimit})`);
  if (t.inconclusive > 0) parts.push(`${t.inconclusive} inconclusive (limit ${limits.inconclusiveLimit})`);
  if (t.errors > 0) parts.push(`${t.errors} errors (${t.consecutiveErrors} in a row, limit ${limits.consecutiveErrorLimit})`);
  const values = measurements.filter((m) => m.value !== undefined).map((m) => formatValue(m.value!));
  return values.length > 0 ? `${parts.join(", ")}; values ${values.join(", ")}` : parts.join(", ");
}

/** Short, stable rendering of a measured number for messages. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

export interface Verdict {
  readonly phase: "Successful" | "Failed" | "Inconclusive";
  readonly message: string;
}

/**
 * A measured value against the success condition: outside it is Failed; NaN means no data
 * (e.g. a rate over zero requests) and is Inconclusive. Without a condition, any number passes.
 */
export function judgeValue(value: number, condition: Threshold | undefined, label = "value"): Verdict {
  const shown = `${label} ${formatValue(value)}`;
  if (Number.isNaN(value)) return { phase: "Inconclusive", message: `${label} is NaN: no data` };
  if (condition?.max !== undefined && value > condition.max) return { phase: "Failed", message: `${shown} > max ${condition.max}` };
  if (condition?.min !== undefined && value < condition.min) return { phase: "Failed", message: `${shown} < min ${condition.min}` };
  const bounds = [condition?.min !== undefined ? `min ${condition.min}` : "", condition?.max !== undefined ? `max ${condition.max}` : ""].filter(Boolean);
  return { phase: "Successful", message: bounds.length > 0 ? `${shown} within ${bounds.join(", ")}` : shown };
}
