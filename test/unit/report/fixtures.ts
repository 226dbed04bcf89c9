/**
 * Rollout records written by hand, as the runner leaves them at four moments: a canary that
 * succeeded, one rolled back by a Failed analysis, one paused on an Inconclusive analysis, and
 * one in flight (baking its second step). Times are seconds after T0.
 */
import type { MetricResult, Phase } from "../../../automation/analysis/types";
import type { RolloutRecord, StepRecord } from "../../../automation/rollout/record";
import type { PlanStep } from "../../../model/config/plan";

export const T0 = Date.parse("2026-06-15T10:00:00.000Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export const THRESHOLDS = { "error-share": { max: 0.01 }, latency: { min: 1, max: 250 } };

const plan = (weights: readonly number[], bakeSeconds = 10): PlanStep[] => weights.map((weight) => ({ kind: "shift", weight, bakeSeconds, analysis: true }));

/** One metric's result: [seconds, value, phase] per measurement. */
export function metric(name: string, measurements: readonly (readonly [number, number | undefined, Phase])[], phase: Phase = "Successful"): MetricResult {
  return {
    name,
    phase,
    message: `${measurements.length} measurements`,
    measurements: measurements.map(([s, value, p]) => ({ phase: p, value, message: value === undefined ? "HTTP 200" : `value ${value}`, startedAt: at(s - 0.5), finishedAt: at(s) })),
  };
}

/** A step that ran: started, baked from +1.5 s, analysed with `metrics`, and (when `end`) done. */
function step(start: number, metrics: readonly MetricResult[], end?: number, phase?: Phase): StepRecord {
  const worst = phase ?? (metrics.some((m) => m.phase === "Failed") ? "Failed" : "Successful");
  const last = Math.max(start + 1.5, ...metrics.flatMap((m) => m.measurements.map((x) => (Date.parse(x.finishedAt) - T0) / 1000)));
  return {
    phase: end !== undefined ? "done" : "analysing",
    startedAt: at(start),
    bakeStartedAt: at(start + 1.5),
    finishedAt: end !== undefined ? at(end) : undefined,
    analysis: metrics.length ? { phase: worst, metrics, startedAt: at(start + 11.5), finishedAt: at(last) } : undefined,
  };
}

function record(fields: Partial<RolloutRecord>): RolloutRecord {
  return {
    id: "r-1a2b3c4d",
    kind: "rollout",
    stack: "prod",
    service: "hello",
    strategy: "canary",
    stableSlot: "blue",
    canarySlot: "green",
    stableVersion: "1.0.0",
    canaryVersion: "1.1.0",
    plan: plan([20, 50, 100]),
    prepared: true,
    stepIndex: 0,
    steps: [],
    weights: { blue: 100, green: 0 },
    status: "running",
    priorConfig: {},
    rollbackTriggers: [],
    startedAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
}

const goodStep = (start: number, name = "error-share") => [
  metric(name, [
    [start + 12, 0.001, "Successful"],
    [start + 13, 0.002, "Successful"],
  ]),
  metric("probe", [
    [start + 12, undefined, "Successful"],
    [start + 13, undefined, "Successful"],
  ]),
];

export const succeeded = record({
  status: "succeeded",
  stepIndex: 3,
  weights: { blue: 0, green: 100 },
  steps: [step(0.5, goodStep(0.5), 14), step(14, goodStep(14), 27.5), step(27.5, goodStep(27.5), 41)],
  finishedAt: at(42),
  updatedAt: at(42),
});

export const rolledBack = record({
  status: "rolled-back",
  stepIndex: 0,
  weights: { blue: 100, green: 0 },
  steps: [
    step(0.5, [
      metric(
        "error-share",
        [
          [12.5, 0.004, "Successful"],
          [13.5, 0.31, "Failed"],
        ],
        "Failed",
      ),
    ]),
  ],
  rollbackStartedAt: at(14),
  stableRestoredAt: at(16),
  rollbackTriggers: ["analysis failed at step 1 (20% on green): error-share 0.31 > max 0.01"],
  statusReason: "rolled back: analysis failed at step 1",
  finishedAt: at(25),
  updatedAt: at(25),
});

export const paused = record({
  status: "paused",
  stepIndex: 1,
  weights: { blue: 50, green: 50 },
  steps: [step(0.5, goodStep(0.5), 14), step(14, [metric("error-share", [[26, undefined, "Inconclusive"]], "Inconclusive")], undefined, "Inconclusive")],
  statusReason: "analysis inconclusive at step 2: no data",
  updatedAt: at(27),
});

/** Baking step 2 at +20 s (pass `now: T0 + 20_000`). */
export const inFlight = record({
  status: "running",
  stepIndex: 1,
  weights: { blue: 50, green: 50 },
  steps: [step(0.5, goodStep(0.5), 14), { phase: "baking", startedAt: at(14), bakeStartedAt: at(15.5) }],
  owner: { host: "ci-runner", pid: 4242, heartbeatAt: at(20) },
  updatedAt: at(20),
});

/** A record whose metric name (from a hand-edited record) carries every character that could break a chart or a table. */
export const hostileName = 'err"or: [x] {y} <b>|c|\n%%{init: {}}%% #35; `z` $$k$$ ;end';
export const hostile = record({
  ...succeeded,
  id: "r-<script>",
  steps: [step(0.5, [metric(hostileName, [[12.5, 0.001, "Successful"], [13, 1e-7, "Successful"], [13.5, 12345678.9, "Successful"]])], 14)],
  plan: plan([100]),
  stepIndex: 1,
});
