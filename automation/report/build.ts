/** Builds the report model from what a command learnt: stack outputs, the rollout record, changes. */
import type { Slot } from "../../model/weights";
import type { StackOutputs } from "../../model/outputs";
import type { RolloutRecord } from "../rollout/record";
import { weightsFor } from "../rollout/runner";
import type { EnvironmentView, Report, ReportStatus, StepView } from "./model";
import { buildTimeline, type TimelineThreshold } from "./timeline";

export interface ReportInput {
  readonly command: string;
  readonly stack: string;
  readonly environment: string;
  readonly startedAt: number;
  readonly status: ReportStatus;
  readonly message?: string;
  readonly outputs?: StackOutputs;
  readonly record?: RolloutRecord;
  readonly changes?: Readonly<Record<string, number>>;
  readonly previousVersion?: string;
  readonly policy?: Report["policy"];
  readonly metrics?: Report["metrics"];
  readonly health?: Report["health"];
  readonly nextSteps?: readonly string[];
  /** Each metric's threshold by name (`thresholdsOf` the stack's analysis metrics), drawn in the timeline's charts. */
  readonly thresholds?: Readonly<Record<string, TimelineThreshold>>;
  /** The clock; the report's duration and an unfinished timeline end here. */
  readonly now?: number;
}

function measurementsOf(record: RolloutRecord | undefined) {
  return (record?.steps ?? []).flatMap((step) => step?.analysis?.metrics.flatMap((metric) => metric.measurements) ?? []);
}

function stepViews(record: RolloutRecord | undefined): StepView[] {
  if (!record) return [];
  return record.plan.map((step, index) => {
    const state = record.steps[index];
    const status = state?.phase === "done" ? "done" : index === record.stepIndex && record.status === "running" ? (state?.phase ?? "pending") : (state?.phase ?? "pending");
    return {
      index: index + 1,
      kind: step.kind,
      weight: step.weight,
      weights: weightsFor(record.canarySlot, step.weight),
      status: index === record.stepIndex && record.status === "paused" ? "paused" : status,
      bake_seconds: step.bakeSeconds,
      started_at: state?.startedAt,
      finished_at: state?.finishedAt,
      analysis: state?.analysis
        ? {
            phase: state.analysis.phase,
            metrics: state.analysis.metrics.map((m) => ({ name: m.name, phase: m.phase, message: m.message, measurements: m.measurements })),
          }
        : undefined,
    };
  });
}

export function buildReport(input: ReportInput): Report {
  const { outputs, record } = input;
  const now = input.now ?? Date.now();
  const measurements = measurementsOf(record);
  const passed = measurements.filter((m) => m.phase === "Successful").length;
  const weights = outputs?.weights ?? record?.weights;
  const environments: EnvironmentView[] = (["blue", "green"] as Slot[]).map((slot) => {
    const onCanary = record?.canarySlot === slot;
    return {
      slot,
      version: outputs?.slots?.[slot]?.version,
      endpoint: outputs?.slots?.[slot]?.endpoint,
      traffic_percentage: weights?.[slot] ?? 0,
      health_checks: onCanary ? { passed, total: measurements.length } : { passed: 0, total: 0 },
    };
  });
  const previous = input.previousVersion ?? record?.stableVersion;
  return {
    summary: {
      command: input.command,
      stack: input.stack,
      deployment_id: record?.id,
      strategy: record?.strategy,
      environment: input.environment,
      status: input.status,
      message: input.message,
      started_at: new Date(input.startedAt).toISOString(),
      duration_seconds: Math.round((now - input.startedAt) / 100) / 10,
      health_score: measurements.length ? Math.round((1000 * passed) / measurements.length) / 10 : null,
    },
    environments,
    rollback: { available: previous !== undefined, previous_version: previous, automatic_triggers: record?.rollbackTriggers ?? [] },
    steps: stepViews(record),
    changes: input.changes,
    endpoint: outputs?.endpoint,
    metrics: input.metrics,
    health: input.health,
    policy: input.policy,
    timeline: record ? buildTimeline(record, { thresholds: input.thresholds, now }) : undefined,
    next_steps: input.nextSteps ?? [],
  };
}
