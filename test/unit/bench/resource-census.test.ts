import assert from "node:assert/strict";
import { compareCensus, stableJson, type Census } from "../../../bench/support/resource-census";

const census = (fingerprints: Record<string, string>, components = 0): Census => {
  const customByType: Record<string, number> = {};
  for (const key of Object.keys(fingerprints)) {
    const type = key.split("::")[0]!;
    customByType[type] = (customByType[type] ?? 0) + 1;
  }
  return { custom: Object.keys(fingerprints).length, components, customByType, componentsByType: {}, fingerprints };
};

describe("bench resource census", () => {
  it("writes equal inputs as equal text whatever their key order, and drops undefined keys", () => {
    assert.equal(stableJson({ b: [1, { d: 2, c: undefined, a: "x" }], a: null }), stableJson({ a: null, b: [1, { a: "x", d: 2 }] }));
    assert.notEqual(stableJson({ a: [1, 2] }), stableJson({ a: [2, 1] }));
  });

  it("finds two builds the same when every cloud resource matches, whatever the component resources", () => {
    const prints = { "aws:lb/listener:Listener::svc0-traffic-listener": "f1", "aws:ecs/service:Service::svc0-blue": "f2" };
    const result = compareCensus({ label: "components", census: census(prints, 2) }, { label: "raw", census: census({ ...prints }) });
    assert.deepEqual(result, { same: true, lines: [] });
  });

  it("says which resource has other inputs, and which exists in one build only", () => {
    const a = census({ "aws:lb/listener:Listener::svc0-traffic-listener": "f1", "aws:ecs/service:Service::svc0-blue": "f2" });
    const b = census({ "aws:lb/listener:Listener::svc0-traffic-listener": "changed", "aws:ecs/service:Service::svc0-green": "f2" });
    const result = compareCensus({ label: "components", census: a }, { label: "raw", census: b });
    assert.equal(result.same, false);
    assert.deepEqual(result.lines, [
      "  aws:ecs/service:Service::svc0-blue: only in components",
      "  aws:ecs/service:Service::svc0-green: only in raw",
      "  aws:lb/listener:Listener::svc0-traffic-listener: provider or inputs differ",
    ]);
  });

  it("without fingerprints, reports the types whose counts differ", () => {
    const a: Census = { custom: 3, components: 0, customByType: { "aws:ecs/cluster:Cluster": 2, "aws:lb/loadBalancer:LoadBalancer": 1 }, componentsByType: {} };
    const b: Census = { custom: 2, components: 0, customByType: { "aws:ecs/cluster:Cluster": 1, "aws:lb/loadBalancer:LoadBalancer": 1 }, componentsByType: {} };
    const result = compareCensus({ label: "components", census: a }, { label: "raw", census: b });
    assert.equal(result.same, false);
    assert.deepEqual(result.lines, ["  aws:ecs/cluster:Cluster: components 2, raw 1", "  cloud resources: components 3, raw 2"]);
  });
});
