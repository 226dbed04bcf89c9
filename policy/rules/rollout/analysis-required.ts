/** A production rollout must be watched: at least one analysis metric. */
import { violation } from "../../lib/finding";
import { stackRule } from "../../lib/rule";
import { planInScope, type Scoped, scopedDefaults, scopedSchema } from "./scope";

export const rolloutAnalysisRequired = stackRule<Scoped>({
  name: "rollout-analysis-required",
  description: "A production rollout runs analysis at every step.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add switchyard:rollout.analysis.metrics (e.g. error rate and latency with thresholds).",
  defaults: scopedDefaults,
  schema: scopedSchema,
  check(resources, config, report) {
    const declared = planInScope(resources, config);
    if (declared && declared.plan.analysisMetrics === 0 && declared.plan.strategy !== "all-at-once") {
      report(violation(`the ${declared.plan.environment} rollout declares no analysis metrics, so nothing stops a bad version`, "add switchyard:rollout.analysis.metrics with at least one metric and its threshold"), declared.urn);
    }
    if (declared?.plan.strategy === "all-at-once") {
      report(violation(`an all-at-once rollout in ${declared.plan.environment} cannot be analysed before it takes all traffic`, "use the canary or linear strategy with analysis metrics"), declared.urn);
    }
  },
});
