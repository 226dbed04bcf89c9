/** Failover routing needs health checks, or it never fails over. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE, GCP } from "../../lib/types";
import { at, list, record, str } from "../../lib/values";

export const drFailoverHealthChecks = resourceRule({
  name: "dr-failover-health-checks",
  description: "Failover routing has health checks.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Attach a health check to the primary of every failover route.",
  defaults: {},
  schema: {},
  appliesTo: (type) => type === AWS.record || type === AZURE.tmProfile || type === GCP.dnsRecordSet,
  check(props, ctx, report) {
    if (ctx.type === AWS.record) {
      const primary = list(props.failoverRoutingPolicies).some((p) => record(p).type === "PRIMARY");
      const checked = str(props.healthCheckId) || list(props.aliases).some((a) => record(a).evaluateTargetHealth === true);
      if (primary && !checked) report(violation("the PRIMARY failover record has no health check, so Route 53 never fails over", "set healthCheckId (an aws.route53.HealthCheck) on the primary record"));
    } else if (ctx.type === AZURE.tmProfile) {
      if (props.trafficRoutingMethod === "Priority" && !record(props.monitorConfig).protocol) {
        report(violation("the Priority (failover) profile has no monitorConfig", 'set monitorConfig: { protocol: "HTTPS", port: 443, path: "/healthz" }'));
      }
    } else {
      const primaryBackup = at(props, "routingPolicy.primaryBackup");
      const external = list(at(primaryBackup, "primary.externalEndpoints")).length > 0;
      if (primaryBackup !== undefined && external && !str(at(props, "routingPolicy.healthCheck"))) {
        report(violation("the primary/backup record set checks no health of its external primary", "set routingPolicy.healthCheck to a compute HealthCheck id"));
      }
    }
  },
});
