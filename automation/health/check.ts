/**
 * The health check as commands run it: observe, assess; and, after a deploy, observe again for a
 * short while before concluding, because HAProxy marks a freshly started server UP only after
 * its checks pass (rise 2, 1 s apart).
 */
import { allOn, type Weights } from "../../model/weights";
import { weightsFor } from "../rollout/runner";
import type { RolloutRecord } from "../rollout/record";
import { assessHealth } from "./assess";
import { collectObservations, realProbes, type CollectInput, type Probes } from "./collect";
import type { HealthAssessment } from "./model";

/** The verdict, with the weights the data plane serves when this target can be read (shown, never judged from). */
export async function checkHealth(input: CollectInput, stack: string, probes: Probes = realProbes): Promise<HealthAssessment> {
  const observations = await collectObservations(input, probes);
  const assessment = assessHealth(observations, stack);
  return observations.liveWeights ? { ...assessment, live_weights: observations.liveWeights } : assessment;
}

export interface SettleOptions {
  /** How long to keep looking for a healthy answer. */
  readonly withinMs: number;
  readonly everyMs: number;
}

/** Checks until healthy or until `withinMs` has passed; the last assessment decides. */
export async function checkHealthSettled(input: CollectInput, stack: string, options: SettleOptions, probes: Probes = realProbes): Promise<HealthAssessment> {
  const deadline = Date.now() + options.withinMs;
  for (;;) {
    const assessment = await checkHealth(input, stack, probes);
    if (assessment.verdict === "healthy" || Date.now() >= deadline) return assessment;
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
  }
}

/** Every split an active rollout may have on the data plane: recorded, its current step, all on stable. */
export function rolloutInFlight(record: RolloutRecord): { id: string; inFlight: Weights[] } {
  const step = record.plan[Math.min(record.stepIndex, record.plan.length - 1)];
  return { id: record.id, inFlight: [record.weights, ...(step ? [weightsFor(record.canarySlot, step.weight)] : []), allOn(record.stableSlot)] };
}

/** A cloud target's declared health check path (`switchyard:<target>.healthCheck.path`). */
export function declaredHealthPath(config: Record<string, unknown>, target: string): string | undefined {
  const block = config[target] as { healthCheck?: { path?: unknown } } | undefined;
  return typeof block?.healthCheck?.path === "string" ? block.healthCheck.path : undefined;
}
