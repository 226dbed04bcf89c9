/** The rollout rules judge the plan only in the environments their config names. */
import type { PolicyResource } from "@pulumi/policy";
import { type Declared, rolloutPlan, type RolloutPlan } from "../../lib/plan";

export interface Scoped {
  environments: string[];
}

export const scopedDefaults: Scoped = { environments: ["production"] };
export const scopedSchema = {
  environments: { type: "array" as const, items: { type: "string" as const }, description: "environments (switchyard:environment) this rule applies to" },
};

export function planInScope(resources: readonly PolicyResource[], config: Scoped): Declared<RolloutPlan> | undefined {
  const declared = rolloutPlan(resources);
  return declared && config.environments.includes(declared.plan.environment) ? declared : undefined;
}

/** Percent of traffic the new slot gets at the first step; undefined when the plan does not say. */
export function firstStepPercent(plan: RolloutPlan): number | undefined {
  switch (plan.strategy) {
    case "blue-green":
    case "all-at-once":
      return 100;
    default:
      return plan.steps?.[0] ?? plan.stepWeight;
  }
}
