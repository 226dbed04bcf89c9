/** Replication to the standby is switched on. */
import { violation } from "../../lib/finding";
import { drPlan, DR_OUTPUT } from "../../lib/plan";
import { stackRule } from "../../lib/rule";
import { AWS } from "../../lib/types";
import { list, record } from "../../lib/values";

export const drReplication = stackRule({
  name: "dr-replication-enabled",
  description: "Replication to the DR standby is on.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Enable replication (S3 replication rules, database replicas) and declare it in the DR plan.",
  defaults: {},
  schema: {},
  check(resources, _config, report) {
    const declared = drPlan(resources);
    if (declared && declared.plan.replication !== true) {
      const why = declared.plan.replication === false ? "the DR plan turns replication off" : `the DR plan does not say that replication is on`;
      report(violation(why, `set ${DR_OUTPUT}.replication to true (and replicate the data)`), declared.urn);
    }
    for (const r of resources.filter((x) => x.type === AWS.replication)) {
      const off = list(r.props.rules).filter((rule) => record(rule).status !== "Enabled");
      if (off.length || list(r.props.rules).length === 0) {
        report(violation(`replication config ${r.name} has ${off.length || "no"} rule(s) that are not Enabled`, 'set status: "Enabled" on every replication rule'), r.urn);
      }
    }
  },
});
