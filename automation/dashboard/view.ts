/**
 * What the dashboard shows of one stack, decided from the records the commands read (rollout
 * record, regional move, ledger, last drift report) and from `status`'s own report. Pure: the
 * reading is in snapshot.ts, the drawing in page.ts.
 */
import type { Weights } from "../../model/weights";
import type { DriftReport } from "../drift/model";
import type { RegionMoveRecord } from "../dr/record";
import { deliveryMetrics, type DeliveryMetrics } from "../releases/metrics";
import type { LedgerEntry } from "../releases/ledger";
import type { Release } from "../releases/releases";
import type { Restoration } from "../dr/restorations";
import type { Report } from "../report/model";
import { buildTimeline, type Timeline, type TimelineThreshold } from "../report/timeline";
import { isActive, ownerAlive, type ControlAction, type RolloutRecord } from "../rollout/record";

/** The buttons' actions: the control commands, by the names their CLI forms take. */
export const DASHBOARD_ACTIONS = ["pause", "resume", "promote", "promote-full", "abort"] as const satisfies readonly ControlAction[];
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

export const isDashboardAction = (value: string): value is DashboardAction => (DASHBOARD_ACTIONS as readonly string[]).includes(value);

/** The command line a button runs, as a person would type it. */
export function commandLineOf(action: DashboardAction, stack: string): string[] {
  return action === "promote-full" ? ["promote", "--full", "--stack", stack] : [action, "--stack", stack];
}

/**
 * Which control commands would act on this record, as the commands themselves decide: pause
 * only while running, resume only when paused; promote and abort on any rollout in progress.
 */
export function allowedActions(record: RolloutRecord | undefined): DashboardAction[] {
  if (!isActive(record)) return [];
  if (record.rollingBack) return [];
  return record.status === "paused" ? ["resume", "promote", "promote-full", "abort"] : ["pause", "promote", "promote-full", "abort"];
}

export interface RolloutView {
  readonly id: string;
  readonly kind: "rollout" | "rollback";
  readonly status: string;
  readonly reason?: string;
  readonly active: boolean;
  /** 1-based step in progress (the last when all are done) and how many there are. */
  readonly step: number;
  readonly steps: number;
  readonly phase: string;
  readonly weights: Weights;
  readonly driver?: string;
  readonly driverAlive: boolean;
  /** A control request waiting for the driver. */
  readonly request?: string;
  /** Seconds left of the current bake, when baking. */
  readonly bakeRemaining?: number;
  readonly timeline: Timeline;
  readonly actions: readonly DashboardAction[];
}

export function rolloutView(record: RolloutRecord, thresholds: Readonly<Record<string, TimelineThreshold>>, now: number): RolloutView {
  const index = Math.min(record.stepIndex, record.plan.length - 1);
  const state = record.steps[record.stepIndex];
  const plan = record.plan[record.stepIndex];
  const bakeEnds = state?.bakeStartedAt && plan ? Date.parse(state.bakeStartedAt) + plan.bakeSeconds * 1000 : undefined;
  const active = isActive(record);
  return {
    id: record.id,
    kind: record.kind ?? "rollout",
    status: record.rollingBack && active ? "rolling back" : record.status,
    reason: record.statusReason,
    active,
    step: index + 1,
    steps: record.plan.length,
    phase: record.stepIndex >= record.plan.length ? (active ? "holding" : "done") : (state?.phase ?? "pending"),
    weights: record.weights,
    driver: record.owner ? `${record.owner.host} pid ${record.owner.pid}` : undefined,
    driverAlive: ownerAlive(record.owner, now),
    request: record.request?.action,
    bakeRemaining: active && record.status === "running" && bakeEnds !== undefined && state?.phase !== "done" ? Math.max(0, Math.round((bakeEnds - now) / 1000)) : undefined,
    timeline: buildTimeline(record, { thresholds, now }),
    actions: allowedActions(record),
  };
}

export interface MetricsPoint {
  /** The day the window ends (UTC, YYYY-MM-DD). */
  readonly until: string;
  readonly deployments: number;
  readonly change_failure_rate: number | null;
  readonly lead_time_seconds: number | null;
  readonly time_to_restore_seconds: number | null;
}

const DAY_MS = 86_400_000;

/** DORA metrics over time: one 7-day window per week, oldest first, ending now. */
export function metricsHistory(entries: readonly LedgerEntry[], restorations: readonly Restoration[], now: number, weeks = 8): MetricsPoint[] {
  return Array.from({ length: weeks }, (_, i) => {
    const until = now - (weeks - 1 - i) * 7 * DAY_MS;
    const m = deliveryMetrics(entries, 7 * DAY_MS, until, restorations);
    return { until: m.until.slice(0, 10), deployments: m.deployments, change_failure_rate: m.change_failure_rate, lead_time_seconds: m.lead_time_seconds, time_to_restore_seconds: m.time_to_restore_seconds };
  });
}

/** A failure to read one part is shown in its place, never as an empty, healthy-looking one. */
export type Readout<T> = { readonly value: T; readonly error?: undefined } | { readonly value?: undefined; readonly error: string };

export interface StackSnapshot {
  readonly stack: string;
  /** When the records were read. */
  readonly readAt: string;
  /** `status` as the command reports it (health read on the data plane), and when it ran. */
  readonly status?: Readout<Report> & { readonly at: string };
  readonly rollout?: RolloutView;
  /** The rollout or regional record could not be read: nothing about them is assumed. */
  readonly recordsError?: string;
  readonly regionMove?: Pick<RegionMoveRecord, "id" | "kind" | "from" | "to" | "status" | "statusReason" | "phase" | "weights" | "startedAt" | "finishedAt">;
  readonly releases: Readout<readonly Release[]>;
  readonly metrics: Readout<{ readonly last30Days: DeliveryMetrics; readonly weekly: readonly MetricsPoint[] }>;
  readonly drift: Readout<DriftReport | undefined>;
}

/** The verdict a stack's card leads with: status's, or "unknown" until status has answered. */
export function verdictOf(snapshot: StackSnapshot): "healthy" | "degraded" | "down" | "unknown" | "error" {
  if (!snapshot.status) return "unknown";
  if (snapshot.status.error !== undefined) return "error";
  return snapshot.status.value.health?.verdict ?? "unknown";
}
