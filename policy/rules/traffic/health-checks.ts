/** Every target group, backend service or weighted endpoint must have a health check. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE, GCP, isOneOf, LOCAL } from "../../lib/types";
import { list, record, str, type Props } from "../../lib/values";

type Check = (props: Props) => string | undefined;

const CHECKS: readonly { readonly types: string | readonly string[]; readonly check: Check }[] = [
  {
    types: LOCAL.haproxy,
    check: (p) =>
      str(p.healthCheckPath)?.startsWith("/")
        ? undefined
        : violation("HAProxy checks no health path, so a dead slot keeps its traffic", 'set healthCheckPath, e.g. "/healthz"'),
  },
  {
    types: AWS.targetGroup,
    check: (p) => {
      if (p.targetType === "lambda") return undefined;
      const hc = record(p.healthCheck);
      if (p.healthCheck === undefined) return violation("the target group declares no healthCheck", 'add healthCheck: { enabled: true, path: "/healthz", matcher: "200-299" }');
      return hc.enabled === false ? violation("the target group's health check is disabled", "set healthCheck.enabled to true") : undefined;
    },
  },
  {
    types: GCP.backendService,
    check: (p) =>
      str(p.healthChecks) || list(p.healthChecks).length
        ? undefined
        : violation("the backend service has no health check", "set healthChecks to a compute HealthCheck; for serverless NEG backends add the service to this rule's exclude list"),
  },
  {
    types: AWS.record,
    check: (p) => {
      const routed = list(p.weightedRoutingPolicies).length > 0 || list(p.failoverRoutingPolicies).length > 0;
      if (!routed || str(p.healthCheckId)) return undefined;
      const evaluates = list(p.aliases).some((a) => record(a).evaluateTargetHealth === true);
      return evaluates ? undefined : violation("the weighted/failover record has no health check", "set healthCheckId, or evaluateTargetHealth: true on its alias");
    },
  },
  {
    types: AZURE.tmProfile,
    check: (p) => {
      const monitor = record(p.monitorConfig);
      if (!monitor.protocol) return violation("the Traffic Manager profile declares no monitorConfig", 'set monitorConfig: { protocol: "HTTPS", port: 443, path: "/healthz" }');
      return monitor.protocol !== "TCP" && !str(monitor.path) ? violation("the Traffic Manager probe has no path", 'set monitorConfig.path, e.g. "/healthz"') : undefined;
    },
  },
  {
    types: AZURE.afdOriginGroup,
    check: (p) =>
      str(record(p.healthProbeSettings).probePath)
        ? undefined
        : violation("the Front Door origin group has no health probe", 'set healthProbeSettings: { probePath: "/healthz", probeProtocol: "Https", probeRequestType: "GET" }'),
  },
];

export const trafficHealthChecks = resourceRule({
  name: "traffic-health-checks",
  description: "Every target group, backend service and weighted endpoint needs a health check.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Declare a health check on the target (path /healthz, 2xx) so a failing slot loses its traffic.",
  defaults: {},
  schema: {},
  appliesTo: (type) => CHECKS.some((c) => isOneOf(type, c.types)),
  check(props, ctx, report) {
    for (const { types, check } of CHECKS) {
      const problem = isOneOf(ctx.type, types) ? check(props) : undefined;
      if (problem) report(problem);
    }
  },
});
