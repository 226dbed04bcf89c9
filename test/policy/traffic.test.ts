import assert from "node:assert/strict";
import { baselineEntry } from "../../policy/lib/baseline";
import { replacementKeys } from "../../policy/lib/replacement";
import { weightSets } from "../../policy/lib/weights";
import { trafficHealthChecks } from "../../policy/rules/traffic/health-checks";
import { trafficNoWeightChangeOnReplace } from "../../policy/rules/traffic/no-weight-change-on-replace";
import { trafficWeightsValid } from "../../policy/rules/traffic/weights-valid";
import { UNKNOWN_INPUT, urnOf, validate, whys, type TestResource } from "./harness";

const HAPROXY_WEIGHTS = "pulumi-nodejs:dynamic/local:HaproxyWeights";
const haproxyWeights = (blue: number, green: number, socketPath = "/run/a.sock"): TestResource => ({
  type: HAPROXY_WEIGHTS,
  name: "hello-traffic-weights",
  props: { socketPath, backend: "hello", stateFile: "/run/state", weights: { blue, green }, adminState: {}, instancePid: 1 },
});
const albRule = (type: string, weights: (number | undefined)[]): TestResource => ({
  type,
  props: { listenerArn: "arn:l", actions: [{ type: "forward", forward: { targetGroups: weights.map((weight, i) => ({ arn: `tg${i}`, weight })) } }] },
});

describe("policy traffic-weights-valid", () => {
  const cases: [string, TestResource, string[]][] = [
    ["local 90/10", haproxyWeights(90, 10), []],
    ["local sum 110", haproxyWeights(60, 50), ["local HAProxy weights: [60, 50] adds up to 110, not 100"]],
    ["local all zero", haproxyWeights(0, 0), ["local HAProxy weights: every weight is 0, so no traffic goes anywhere", "local HAProxy weights: [0, 0] adds up to 0, not 100"]],
    ["ALB 750/250", albRule("aws:lb/listenerRule:ListenerRule", [750, 250]), []],
    ["ALB alias token, 1000", albRule("aws:alb/listenerRule:ListenerRule", [1000, 0]), ["AWS ALB forward actions[0].forward.targetGroups: [1000, 0] has values outside 0..999 or not whole"]],
    ["ALB implicit weights count as 1", albRule("aws:lb/listenerRule:ListenerRule", [undefined, 0]), []],
    ["Route 53 256", { type: "aws:route53/record:Record", props: { weightedRoutingPolicies: [{ weight: 256 }] } }, ["Route 53 weighted record weightedRoutingPolicies[0]: [256] has values outside 0..255 or not whole"]],
    ["URL map all zero", { type: "gcp:compute/uRLMap:URLMap", props: { defaultRouteAction: { weightedBackendServices: [{ weight: 0 }, { weight: 0 }] } } }, ["GCP URL map defaultRouteAction.weightedBackendServices: every weight is 0, so no traffic goes anywhere"]],
    ["URL map route rule 900/100", { type: "gcp:compute/uRLMap:URLMap", props: { pathMatchers: [{ routeRules: [{ routeAction: { weightedBackendServices: [{ weight: 900 }, { weight: 100 }] } }] }] } }, []],
    ["Cloud Run 75/20", { type: "gcp:cloudrunv2/service:Service", props: { traffics: [{ percent: 75 }, { percent: 20 }] } }, ["Cloud Run traffic traffics: [75, 20] adds up to 95, not 100"]],
    ["Traffic Manager weight 0", { type: "azure-native:trafficmanager:Profile", props: { endpoints: [{ weight: 100 }, { weight: 0 }] } }, ["Azure Traffic Manager endpoints: [100, 0] has values outside 1..1000 or not whole", "Azure Traffic Manager endpoints: a weight of 0, which Azure rejects"]],
    ["Front Door origin 1", { type: "azure-native:cdn:AFDOrigin", props: { weight: 1, enabledState: "Disabled" } }, []],
    ["HTTPRoute 90/10", { type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", props: { spec: { rules: [{ backendRefs: [{ weight: 90 }, { weight: 10 }] }] } } }, []],
    ["HTTPRoute fractional", { type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", props: { spec: { rules: [{ backendRefs: [{ weight: 0.5 }, { weight: 1 }] }] } } }, ["Gateway API HTTPRoute spec.rules[0].backendRefs: [0.5, 1] has values outside 0..1000000 or not whole"]],
    ["a resource without weights", { type: "aws:s3/bucket:Bucket", props: {} }, []],
  ];
  for (const [title, resource, expected] of cases) {
    it(title, async () => assert.deepEqual(whys(await validate(trafficWeightsValid, resource)), expected));
  }

  it("says how to fix it", async () => {
    const [message] = await validate(trafficWeightsValid, haproxyWeights(60, 50));
    assert.match(message!, /\nfix: make the weights add up to 100$/);
  });

  it("lets the engine report weights unknown during preview", async () => {
    await assert.rejects(validate(trafficWeightsValid, { type: HAPROXY_WEIGHTS, props: { weights: UNKNOWN_INPUT } }), (error: Error) => error.constructor.name === "UnknownValueError");
  });
});

describe("policy traffic-health-checks", () => {
  const cases: [string, TestResource, number][] = [
    ["HAProxy with /healthz", { type: "pulumi-nodejs:dynamic/local:HaproxyInstance", props: { healthCheckPath: "/healthz" } }, 0],
    ["HAProxy without a path", { type: "pulumi-nodejs:dynamic/local:HaproxyInstance", props: { healthCheckPath: "" } }, 1],
    ["target group with a check", { type: "aws:lb/targetGroup:TargetGroup", props: { healthCheck: { enabled: true, path: "/healthz" } } }, 0],
    ["target group without one", { type: "aws:alb/targetGroup:TargetGroup", props: { port: 80 } }, 1],
    ["target group with it disabled", { type: "aws:lb/targetGroup:TargetGroup", props: { healthCheck: { enabled: false } } }, 1],
    ["lambda target group", { type: "aws:lb/targetGroup:TargetGroup", props: { targetType: "lambda" } }, 0],
    ["backend service with a check", { type: "gcp:compute/backendService:BackendService", props: { healthChecks: "projects/p/global/healthChecks/hc" } }, 0],
    ["backend service without", { type: "gcp:compute/backendService:BackendService", props: {} }, 1],
    ["weighted record without", { type: "aws:route53/record:Record", props: { weightedRoutingPolicies: [{ weight: 10 }] } }, 1],
    ["weighted alias evaluating health", { type: "aws:route53/record:Record", props: { weightedRoutingPolicies: [{ weight: 10 }], aliases: [{ evaluateTargetHealth: true }] } }, 0],
    ["plain record", { type: "aws:route53/record:Record", props: { records: ["1.2.3.4"] } }, 0],
    ["Traffic Manager without a path", { type: "azure-native:trafficmanager:Profile", props: { monitorConfig: { protocol: "HTTPS" } } }, 1],
    ["Front Door probe", { type: "azure-native:cdn:AFDOriginGroup", props: { healthProbeSettings: { probePath: "/healthz" } } }, 0],
    ["Front Door no probe", { type: "azure-native:cdn:AFDOriginGroup", props: {} }, 1],
  ];
  for (const [title, resource, count] of cases) {
    it(title, async () => assert.equal((await validate(trafficHealthChecks, resource)).length, count));
  }

  it("skips resources named in exclude", async () => {
    const serverless = { type: "gcp:compute/backendService:BackendService", name: "run-neg", props: {} };
    assert.deepEqual(await validate(trafficHealthChecks, serverless, { exclude: ["run-neg"] }), []);
  });
});

describe("policy traffic-no-weight-change-on-replace", () => {
  const current = haproxyWeights(100, 0, "/run/a.sock");
  const baselineOf = (r: TestResource) => ({
    [urnOf(r.type, r.name!)]: baselineEntry(weightSets(r.type, r.props), r.props, replacementKeys(r.type)),
  });
  const config = { baseline: baselineOf(current) };

  it("passes a weight change without replacement", async () => assert.deepEqual(await validate(trafficNoWeightChangeOnReplace, haproxyWeights(90, 10), config), []));
  it("passes a replacement that keeps the weights", async () =>
    assert.deepEqual(await validate(trafficNoWeightChangeOnReplace, haproxyWeights(100, 0, "/run/b.sock"), config), []));
  it("fails a replacement that also changes the weights", async () => {
    const [message] = await validate(trafficNoWeightChangeOnReplace, haproxyWeights(50, 50, "/run/b.sock"), config);
    assert.match(message!, /^hello-traffic-weights will be replaced \(socketPath changes\) while its weights change from \[\[100,0\]\] to \[\[50,50\]\]/);
  });
  it("treats a replacement input unknown in preview as a possible replacement", async () =>
    assert.equal((await validate(trafficNoWeightChangeOnReplace, haproxyWeights(50, 50, UNKNOWN_INPUT), config)).length, 1));
  it("passes without a baseline (plain pulumi preview)", async () =>
    assert.deepEqual(await validate(trafficNoWeightChangeOnReplace, haproxyWeights(50, 50, "/run/b.sock")), []));
});
