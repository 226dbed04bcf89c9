/**
 * Which metrics each step of a plan runs. Canary and linear steps run them all. Blue-green has
 * two phases, as Argo Rollouts does: before the switch the new slot takes no traffic, so a metric
 * read off the traffic split (an error share, a request rate) has nothing to measure and would be
 * Inconclusive by construction; after it, everything applies. Pure.
 */
import type { AnalysisConfig, MetricSpec } from "./analysis";
import type { PlanStep, StepKind } from "./plan";

/** A metric that measures the new slot itself, with no traffic through the split: an http probe of its own endpoint. */
const probesTheSlot = (metric: MetricSpec) => metric.provider.type === "http" && metric.provider.url === undefined;

/** The names of the metrics a step of this kind runs, in the order they are listed. */
export function metricsFor(analysis: AnalysisConfig | undefined, kind: StepKind): string[] {
  if (!analysis) return [];
  const all = analysis.metrics;
  const named = (names: readonly string[] | undefined, fallback: (m: MetricSpec) => boolean) =>
    all.filter((m) => (names ? names.includes(m.name) : fallback(m))).map((m) => m.name);
  switch (kind) {
    case "shift":
      return all.map((m) => m.name);
    case "pre-promotion":
      return named(analysis.prePromotion, probesTheSlot);
    case "post-promotion":
      return named(analysis.postPromotion, () => true);
  }
}

/**
 * The plan with `analysis` off on the steps that have no metric to run, so that a report says
 * "not analysed" rather than a success nothing measured. Without any analysis config, steps keep
 * their flag (the driver then has nothing to run and each step passes on the weights' read-back).
 */
export function withAnalysisPhases(plan: readonly PlanStep[], analysis: AnalysisConfig | undefined): PlanStep[] {
  if (!analysis) return [...plan];
  return plan.map((step) => (step.analysis && metricsFor(analysis, step.kind).length === 0 ? { ...step, analysis: false } : step));
}
