/**
 * One report model for every command; renderers turn it into terminal text or JSON. The JSON
 * keys are a public contract (snake_case, as CI systems and dashboards read them).
 */
import type { Slot, Weights } from "../../model/weights";
import type { Measurement, Phase } from "../analysis/types";
import type { PolicyReport } from "../policy/run";
import type { DeliveryMetrics } from "../releases/metrics";
import type { HealthAssessment } from "../health/model";
import type { Timeline } from "./timeline";

export type ReportStatus = "success" | "failed" | "rolled-back" | "paused" | "no-change" | "running";

export interface ReportSummary {
  readonly command: string;
  readonly stack: string;
  readonly deployment_id?: string;
  readonly strategy?: string;
  /** production, staging or development, from switchyard:environment. */
  readonly environment: string;
  readonly status: ReportStatus;
  /** Why, in one line, when it did not simply succeed. */
  readonly message?: string;
  readonly started_at: string;
  readonly duration_seconds: number;
  /** Successful measurements / all measurements, 0..100; null when nothing was measured. */
  readonly health_score: number | null;
}

export interface EnvironmentView {
  readonly slot: Slot;
  readonly version?: string;
  readonly endpoint?: string;
  readonly traffic_percentage: number;
  /** Analysis measurements taken while this slot received the new release's traffic. */
  readonly health_checks: { readonly passed: number; readonly total: number };
}

export interface RollbackView {
  readonly available: boolean;
  readonly previous_version?: string;
  /** What made this deploy roll back (empty when it did not). */
  readonly automatic_triggers: readonly string[];
}

export interface MetricView {
  readonly name: string;
  readonly phase: Phase;
  readonly message: string;
  readonly measurements: readonly Measurement[];
}

export interface StepView {
  readonly index: number;
  readonly kind: string;
  readonly weight: number;
  readonly weights: Weights;
  readonly status: string;
  readonly bake_seconds: number;
  readonly started_at?: string;
  readonly finished_at?: string;
  readonly analysis?: { readonly phase: Phase; readonly metrics: readonly MetricView[] };
}

export interface Report {
  readonly summary: ReportSummary;
  readonly environments: readonly EnvironmentView[];
  readonly rollback: RollbackView;
  readonly steps: readonly StepView[];
  /** Resource operations of the updates this command ran (or would run, for preview). */
  readonly changes?: Readonly<Record<string, number>>;
  readonly endpoint?: string;
  /** Delivery metrics over the last 30 days, after this deploy. */
  readonly metrics?: DeliveryMetrics;
  /**
   * What really serves, checked on the data plane (status, and the end of a deploy): verdict
   * healthy, degraded or down; problems say what is wrong, notes what is worth knowing.
   */
  readonly health?: HealthAssessment;
  /** Policy findings, when the command ran the policy pack. */
  readonly policy?: PolicyReport;
  /** The rollout's timeline (weights, measurements against thresholds, step spans), when the command had a rollout record. */
  readonly timeline?: Timeline;
  readonly next_steps: readonly string[];
}
