/** Each production step bakes before the next one. */
import { violation } from "../../lib/finding";
import { stackRule } from "../../lib/rule";
import { planInScope, type Scoped, scopedDefaults, scopedSchema } from "./scope";

interface Config extends Scoped {
  minBakeSeconds: number;
}

export const rolloutBakeTime = stackRule<Config>({
  name: "rollout-bake-time",
  description: "A production rollout waits a bake time at every step.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set switchyard:rollout.bakeSeconds to at least the configured minimum.",
  defaults: { ...scopedDefaults, minBakeSeconds: 60 },
  schema: { ...scopedSchema, minBakeSeconds: { type: "number", minimum: 0 } },
  check(resources, config, report) {
    const declared = planInScope(resources, config);
    if (!declared) return;
    const bake = declared.plan.bakeSeconds;
    if (bake === undefined || bake < config.minBakeSeconds) {
      report(
        violation(
          bake === undefined ? `the ${declared.plan.environment} rollout sets no bake time` : `the bake time of ${bake}s is shorter than ${config.minBakeSeconds}s`,
          `set switchyard:rollout.bakeSeconds to ${config.minBakeSeconds} or more`,
        ),
        declared.urn,
      );
    }
  },
});
