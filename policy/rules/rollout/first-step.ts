/** In production the first step sends at most a configured share of traffic to the new slot. */
import { violation } from "../../lib/finding";
import { ROLLOUT_OUTPUT } from "../../lib/plan";
import { stackRule } from "../../lib/rule";
import { firstStepPercent, planInScope, type Scoped, scopedDefaults, scopedSchema } from "./scope";

interface Config extends Scoped {
  maxFirstStepPercent: number;
  /** Strategies that switch at once on purpose, after their own pre-switch checks. */
  exemptStrategies: string[];
}

export const rolloutFirstStep = stackRule<Config>({
  name: "rollout-first-step",
  description: "The first traffic step of a production rollout is small.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Start the canary with a small step, e.g. steps: [10, 25, 50, 100].",
  defaults: { ...scopedDefaults, maxFirstStepPercent: 10, exemptStrategies: ["blue-green"] },
  schema: {
    ...scopedSchema,
    maxFirstStepPercent: { type: "number", minimum: 0, maximum: 100 },
    exemptStrategies: { type: "array", items: { type: "string" } },
  },
  check(resources, config, report) {
    const declared = planInScope(resources, config);
    if (!declared || config.exemptStrategies.includes(declared.plan.strategy ?? "")) return;
    const first = firstStepPercent(declared.plan);
    if (first === undefined) {
      report(violation(`the ${declared.plan.strategy ?? "rollout"} plan has no first step`, `set switchyard:rollout steps (e.g. [${config.maxFirstStepPercent}, 50, 100]) or stepWeight`), declared.urn);
    } else if (first > config.maxFirstStepPercent) {
      report(
        violation(
          `the first step sends ${first}% of ${declared.plan.environment} traffic to the new slot; at most ${config.maxFirstStepPercent}% is allowed (stack output ${ROLLOUT_OUTPUT})`,
          `start with a step of at most ${config.maxFirstStepPercent}% in switchyard:rollout (steps or stepWeight)`,
        ),
        declared.urn,
      );
    }
  },
});
