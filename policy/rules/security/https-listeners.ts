/** Public listeners speak HTTPS; plain HTTP only redirects to it. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE, isOneOf } from "../../lib/types";
import { at, list, record } from "../../lib/values";

export const securityHttpsListeners = resourceRule({
  name: "security-https-listeners",
  description: "Listeners use HTTPS; HTTP only as a redirect to HTTPS.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Serve on 443 with a certificate; make the port-80 listener a redirect to HTTPS.",
  defaults: {},
  schema: {},
  appliesTo: (type) => isOneOf(type, AWS.listener) || type === AZURE.cdnRoute,
  check(props, ctx, report) {
    if (ctx.type === AZURE.cdnRoute) {
      if (list(props.supportedProtocols).includes("Http") && props.httpsRedirect !== "Enabled") {
        report(violation("the route serves plain HTTP", 'set httpsRedirect: "Enabled" or supportedProtocols: ["Https"]'));
      }
      return;
    }
    if (props.protocol !== "HTTP") return;
    const actions = list(props.defaultActions);
    const redirects = (a: unknown) => record(a).type === "redirect" && at(a, "redirect.protocol") === "HTTPS";
    if (actions.length === 0 || !actions.every(redirects)) {
      report(violation("the HTTP listener serves traffic instead of redirecting it", 'make its default action { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }'));
    }
  },
});
