/**
 * The timeline of one rollout, derived from its record alone: when traffic moved and to what,
 * what each analysis measurement said and when, and each step's span. The Markdown report's
 * Mermaid charts, the HTML report and the dashboard all draw from this one model, so that they
 * can never disagree. Pure: no clock but the one passed in. Keys are snake_case: the model is part
 * of the JSON report (`timeline`), whose keys are a public contract.
 */
import type { Slot } from "../../model/weights";
import type { Phase } from "../analysis/types";
import type { RolloutRecord, RolloutStatus } from "../rollout/record";

/** A measured value passes when min <= value <= max (as in `successCondition`). */
export interface TimelineThreshold {
  readonly min?: number;
  readonly max?: number;
}

export interface WeightPoint {
  /** Seconds since the rollout began. */
  readonly seconds: number;
  readonly at: string;
  /** Share of traffic on the canary slot (the stable slot has the rest). */
  readonly canary: number;
  /** What moved it: "start", "step 2", "rollback". */
  readonly cause: string;
}

export interface MetricPoint {
  readonly seconds: number;
  readonly at: string;
  readonly value?: number;
  readonly phase: Phase;
  readonly message?: string;
  /** The step (1-based) whose analysis took it. */
  readonly step: number;
}

export interface MetricSeries {
  readonly name: string;
  readonly threshold?: TimelineThreshold;
  readonly points: readonly MetricPoint[];
}

export type StepOutcome = "pending" | "shifting" | "baking" | "analysing" | "done" | "failed" | "paused";

export interface StepSpan {
  /** 1-based, as the reports number steps. */
  readonly index: number;
  readonly kind: string;
  readonly weight: number;
  readonly bake_seconds: number;
  readonly outcome: StepOutcome;
  /** Analysis verdict of the step, when it was analysed. */
  readonly analysis?: Phase;
  /** Seconds since the rollout began; `end` is absent while the step runs. */
  readonly start?: number;
  readonly end?: number;
}

export interface Timeline {
  readonly id: string;
  readonly kind: "rollout" | "rollback";
  readonly strategy: string;
  readonly status: RolloutStatus;
  readonly started_at: string;
  /** Seconds from the start to the end (finished) or to `now` (in progress). */
  readonly duration_seconds: number;
  readonly stable_slot: Slot;
  readonly canary_slot: Slot;
  readonly stable_version: string;
  readonly canary_version: string;
  readonly weights: readonly WeightPoint[];
  readonly metrics: readonly MetricSeries[];
  readonly steps: readonly StepSpan[];
  /** When the rollback began and when all traffic was on the stable slot again (seconds). */
  readonly rollback?: { readonly start: number; readonly restored?: number; readonly reason?: string };
}

const secondsBetween = (from: number, iso: string) => Math.max(0, Math.round((Date.parse(iso) - from) / 100) / 10);

function outcomeOf(record: RolloutRecord, index: number): StepOutcome {
  const state = record.steps[index];
  const current = index === record.stepIndex;
  if (state?.analysis && (state.analysis.phase === "Failed" || state.analysis.phase === "Error" || state.analysis.phase === "Inconclusive") && state.phase !== "done") {
    return record.status === "paused" && current ? "paused" : "failed";
  }
  if (current && record.status === "paused") return "paused";
  if (current && (record.status === "rolled-back" || record.rollingBack) && state?.phase !== "done" && state?.startedAt) return "failed";
  return state?.phase ?? "pending";
}

/**
 * Weight changes as the record knows them: the start (all on stable), each step's weights from
 * the moment its bake began (the traffic split was read back then), and the rollback's return.
 */
function weightPoints(record: RolloutRecord, start: number): WeightPoint[] {
  const points: WeightPoint[] = [{ seconds: 0, at: record.startedAt, canary: 0, cause: "start" }];
  record.plan.forEach((step, index) => {
    const bakeStarted = record.steps[index]?.bakeStartedAt;
    if (bakeStarted) points.push({ seconds: secondsBetween(start, bakeStarted), at: bakeStarted, canary: step.weight, cause: `step ${index + 1}` });
  });
  if (record.stableRestoredAt) points.push({ seconds: secondsBetween(start, record.stableRestoredAt), at: record.stableRestoredAt, canary: 0, cause: "rollback" });
  return points.sort((a, b) => a.seconds - b.seconds);
}

function metricSeries(record: RolloutRecord, start: number, thresholds: Readonly<Record<string, TimelineThreshold>>): MetricSeries[] {
  const byName = new Map<string, MetricPoint[]>();
  record.steps.forEach((state, index) => {
    for (const metric of state?.analysis?.metrics ?? []) {
      const points = byName.get(metric.name) ?? [];
      for (const m of metric.measurements) {
        points.push({ seconds: secondsBetween(start, m.finishedAt), at: m.finishedAt, value: m.value, phase: m.phase, message: m.message, step: index + 1 });
      }
      byName.set(metric.name, points);
    }
  });
  return [...byName].map(([name, points]) => ({ name, threshold: thresholds[name], points: points.sort((a, b) => a.seconds - b.seconds) }));
}

export function buildTimeline(record: RolloutRecord, options: { readonly thresholds?: Readonly<Record<string, TimelineThreshold>>; readonly now?: number } = {}): Timeline {
  const start = Date.parse(record.startedAt);
  const end = record.finishedAt ? Date.parse(record.finishedAt) : (options.now ?? Date.now());
  const steps: StepSpan[] = record.plan.map((step, index) => {
    const state = record.steps[index];
    return {
      index: index + 1,
      kind: step.kind,
      weight: step.weight,
      bake_seconds: step.bakeSeconds,
      outcome: outcomeOf(record, index),
      analysis: state?.analysis?.phase,
      start: state?.startedAt ? secondsBetween(start, state.startedAt) : undefined,
      end: state?.finishedAt ? secondsBetween(start, state.finishedAt) : undefined,
    };
  });
  return {
    id: record.id,
    kind: record.kind ?? "rollout",
    strategy: record.strategy,
    status: record.status,
    started_at: record.startedAt,
    duration_seconds: Math.max(0, Math.round((end - start) / 100) / 10),
    stable_slot: record.stableSlot,
    canary_slot: record.canarySlot,
    stable_version: record.stableVersion,
    canary_version: record.canaryVersion,
    weights: weightPoints(record, start),
    metrics: metricSeries(record, start, options.thresholds ?? {}),
    steps,
    rollback: record.rollbackStartedAt
      ? { start: secondsBetween(start, record.rollbackStartedAt), restored: record.stableRestoredAt ? secondsBetween(start, record.stableRestoredAt) : undefined, reason: record.rollbackTriggers[0] }
      : undefined,
  };
}

/** Thresholds by metric name, from the stack's analysis config (what `successCondition` says). */
export function thresholdsOf(metrics: readonly { readonly name: string; readonly successCondition?: TimelineThreshold }[] | undefined): Record<string, TimelineThreshold> {
  const out: Record<string, TimelineThreshold> = {};
  for (const metric of metrics ?? []) if (metric.successCondition) out[metric.name] = metric.successCondition;
  return out;
}

/** The canary's share at `seconds`: the last weight change at or before it (a step function). */
export function canaryShareAt(weights: readonly WeightPoint[], seconds: number): number {
  let share = weights[0]?.canary ?? 0;
  for (const point of weights) if (point.seconds <= seconds) share = point.canary;
  return share;
}

/**
 * Every moment something happened (a weight change, a step starting or ending, a measurement,
 * the rollback) from 0 to the timeline's end, sorted, without repeats: where the traffic chart
 * samples the canary's share. Past `max`, the weight changes and the ends are kept and the other
 * moments thinned evenly, so that a chart stays readable while every change still shows.
 */
export function eventTimes(timeline: Timeline, max = Number.POSITIVE_INFINITY): number[] {
  const keep = new Set<number>([0, timeline.duration_seconds, ...timeline.weights.map((w) => w.seconds)]);
  const others = new Set<number>();
  for (const step of timeline.steps) for (const at of [step.start, step.end]) if (at !== undefined) others.add(at);
  for (const series of timeline.metrics) for (const point of series.points) others.add(point.seconds);
  if (timeline.rollback) for (const at of [timeline.rollback.start, timeline.rollback.restored]) if (at !== undefined) others.add(at);
  const rest = [...others].filter((at) => !keep.has(at)).sort((a, b) => a - b);
  const room = Math.max(0, max - keep.size);
  const picked = rest.length <= room ? rest : Array.from({ length: room }, (_, i) => rest[Math.floor((i * rest.length) / room)]!);
  return [...new Set([...keep, ...picked])].filter((at) => at <= timeline.duration_seconds).sort((a, b) => a - b);
}
