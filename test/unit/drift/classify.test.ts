import assert from "node:assert/strict";
import { classify } from "../../../automation/drift/classify";
import type { Observation } from "../../../automation/drift/model";
import { rolloutContext } from "../../../automation/drift/rollout-context";
import type { IgnoreRule } from "../../../model/config/drift";
import { GREEN_URN, greenDeleted, maintDrift, rolloutRecord, versionPending, WEIGHTS_TYPE, WEIGHTS_URN, weightsDrift } from "./fixtures";

const today = "2026-06-15";
const rule = (r: Partial<IgnoreRule>): IgnoreRule => ({ path: "*", reason: "known", ...r });
const classes = (obs: Observation[], rules: IgnoreRule[] = [], rollout = rolloutContext(undefined, [])) =>
  classify(obs, { rules, today, rollout }).map((i) => `${i.class} ${i.resource} ${i.property ?? "-"}`);

describe("drift classifier", () => {
  it("names the resource, the property path, the value in state and the value found", () => {
    const [item] = classify([weightsDrift(40)], { rules: [], today });
    assert.deepEqual(item, {
      class: "drift",
      source: "cloud",
      urn: WEIGHTS_URN,
      type: WEIGHTS_TYPE,
      resource: "hello-traffic-weights",
      operation: "update",
      property: "weights.green",
      state_value: 0,
      found_value: 40,
    });
  });

  const table: [string, Observation[], IgnoreRule[], string[]][] = [
    ["weight changed out of band", [weightsDrift(40)], [], ["drift hello-traffic-weights weights.green"]],
    ["server set to maintenance", [maintDrift], [], ["drift hello-traffic-weights adminState.green"]],
    ["workload deleted outside Pulumi", [greenDeleted], [], ["drift hello-green -"]],
    ["config edited: a pending change, not drift", [versionPending], [], ["pending-change hello-green version"]],
    ["ignored by type and path prefix", [maintDrift], [rule({ type: WEIGHTS_TYPE, path: "adminState" })], ["ignored hello-traffic-weights adminState.green"]],
    ["ignored by URN glob and segment wildcard", [maintDrift], [rule({ urn: "*::hello-traffic-weights", path: "adminState.*" })], ["ignored hello-traffic-weights adminState.green"]],
    ["a rule path covers only its own subtree", [weightsDrift(40)], [rule({ type: WEIGHTS_TYPE, path: "adminState" })], ["drift hello-traffic-weights weights.green"]],
    ["a property rule does not cover a deletion", [greenDeleted], [rule({ urn: GREEN_URN, path: "version" })], ["drift hello-green -"]],
    ["* covers a deletion", [greenDeleted], [rule({ urn: GREEN_URN, path: "*" })], ["ignored hello-green -"]],
    ["ignore rules never touch pending changes", [versionPending], [rule({ urn: GREEN_URN, path: "*" })], ["pending-change hello-green version"]],
    ["a type rule does not match another type", [greenDeleted], [rule({ type: WEIGHTS_TYPE })], ["drift hello-green -"]],
  ];
  for (const [name, obs, rules, expected] of table) {
    it(name, () => assert.deepEqual(classes(obs, rules), expected));
  }

  it("an expired rule alarms again, saying which rule expired", () => {
    const [item] = classify([maintDrift], { rules: [rule({ type: WEIGHTS_TYPE, path: "adminState", reason: "drill", expires: "2026-06-14" })], today });
    assert.equal(item!.class, "drift");
    assert.match(item!.note!, /expired on 2026-06-14: drill/);
  });

  it("a rule holds through its expiry day", () => {
    const [item] = classify([maintDrift], { rules: [rule({ type: WEIGHTS_TYPE, path: "adminState", reason: "drill", expires: today })], today });
    assert.equal(item!.class, "ignored");
    assert.equal(item!.note, `drill (until ${today})`);
  });

  it("a live rule wins over an expired one", () => {
    const rules = [rule({ type: WEIGHTS_TYPE, expires: "2020-01-01", reason: "old" }), rule({ type: WEIGHTS_TYPE, reason: "new" })];
    assert.equal(classify([maintDrift], { rules, today })[0]!.class, "ignored");
  });

  describe("with a rollout in progress", () => {
    const ctx = rolloutContext(rolloutRecord(), [WEIGHTS_URN]);

    it("labels the rollout's weights as rollout, on the cloud side and the code side", () => {
      const code: Observation = { ...weightsDrift(50, 50), question: "code" };
      assert.deepEqual(classes([weightsDrift(10, 90), code], [], ctx), [
        "rollout hello-traffic-weights weights.blue",
        "rollout hello-traffic-weights weights.green",
        "rollout hello-traffic-weights weights.blue",
        "rollout hello-traffic-weights weights.green",
      ]);
    });

    it("a weight the plan never sets is still drift", () => {
      assert.deepEqual(classes([weightsDrift(37, 63)], [], ctx), ["drift hello-traffic-weights weights.blue", "drift hello-traffic-weights weights.green"]);
    });

    it("other properties of the traffic resource are still drift", () => {
      assert.deepEqual(classes([maintDrift], [], ctx), ["drift hello-traffic-weights adminState.green"]);
    });

    it("a finished rollout labels nothing", () => {
      const done = rolloutContext(rolloutRecord({ status: "succeeded" }), [WEIGHTS_URN]);
      assert.equal(done, undefined);
      assert.deepEqual(classes([weightsDrift(10, 90)], [], done), ["drift hello-traffic-weights weights.blue", "drift hello-traffic-weights weights.green"]);
    });

    it("only the resources that carry the weights are the rollout's", () => {
      const other = rolloutContext(rolloutRecord(), ["urn:other"]);
      assert.deepEqual(classes([weightsDrift(10, 90)], [], other), ["drift hello-traffic-weights weights.blue", "drift hello-traffic-weights weights.green"]);
    });
  });

  it("one item per changed property; whole-resource code changes are one item", () => {
    const create: Observation = { question: "code", urn: "urn:x::new", type: "t", name: "new", op: "create", properties: [] };
    assert.deepEqual(classes([weightsDrift(40, 60), create]), ["drift hello-traffic-weights weights.blue", "drift hello-traffic-weights weights.green", "pending-change new -"]);
  });

  it("says when properties were left out", () => {
    const obs = { ...weightsDrift(40), truncated: 7 };
    assert.match(classify([obs], { rules: [], today }).at(-1)!.note!, /\+7 more properties/);
  });
});
