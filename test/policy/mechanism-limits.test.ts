/** The policy pack judges weights against the limits each mechanism declares, not a copy of them. */
import assert from "node:assert/strict";
import { trafficMechanism } from "../../components/traffic/mechanisms";
import { weightSets } from "../../policy/lib/weights";
import type { MechanismKind } from "../../model/mechanism";
import type { Props } from "../../policy/lib/values";

describe("policy weight limits come from the mechanism descriptors", () => {
  const resources: [MechanismKind, string, Props][] = [
    ["local-haproxy", "pulumi-nodejs:dynamic/local:HaproxyWeights", { weights: { blue: 90, green: 10 } }],
    ["aws-alb", "aws:lb/listener:Listener", { defaultActions: [{ type: "forward", forward: { targetGroups: [{ weight: 90 }, { weight: 10 }] } }] }],
    ["aws-route53", "aws:route53/record:Record", { weightedRoutingPolicies: [{ weight: 90 }] }],
    ["gcp-url-map", "gcp:compute/uRLMap:URLMap", { defaultRouteAction: { weightedBackendServices: [{ weight: 90 }, { weight: 10 }] } }],
    ["gcp-cloud-run", "gcp:cloudrunv2/service:Service", { traffics: [{ percent: 90 }, { percent: 10 }] }],
    ["azure-traffic-manager", "azure-native:trafficmanager:Profile", { endpoints: [{ weight: 90 }, { weight: 10 }] }],
    ["azure-front-door", "azure-native:cdn:AFDOrigin", { weight: 90 }],
    ["k8s-http-route", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", { spec: { rules: [{ backendRefs: [{ weight: 90 }, { weight: 10 }] }] } }],
  ];
  for (const [kind, type, props] of resources) {
    it(`${type} is judged as ${kind} declares`, () => {
      const m = trafficMechanism(kind);
      const [set] = weightSets(type, props);
      assert.ok(set, `${type} carries weights`);
      assert.deepEqual(
        { mechanism: set.mechanism, min: set.min, max: set.max, zeroAllowed: set.zeroAllowed, sumTo: set.sumTo, maxEntries: set.maxEntries },
        { mechanism: m.label, min: m.limits.min, max: m.limits.max, zeroAllowed: m.limits.zeroAllowed, sumTo: m.limits.sumTo, maxEntries: m.limits.maxEntries },
      );
    });
  }

  it("an entry without a weight counts as the mechanism's implicit weight", () => {
    const [set] = weightSets("aws:lb/listener:Listener", { defaultActions: [{ forward: { targetGroups: [{}, { weight: 0 }] } }] });
    assert.deepEqual(set!.weights, [trafficMechanism("aws-alb").limits.implicit, 0]);
  });
});
