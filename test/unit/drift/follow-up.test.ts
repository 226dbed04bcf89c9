import assert from "node:assert/strict";
import { asPercentages, followUp } from "../../../automation/drift/follow-up";
import { GREEN_URN, item, WEIGHTS_URN, WORKLOAD_TYPE } from "./fixtures";

const ctx = { declaredTraffic: { blue: 100, green: 0 }, trafficUrns: [WEIGHTS_URN] };

describe("drift accept: what config or code must change", () => {
  it("weights that add up to 100 become switchyard:traffic as they are", () => {
    const items = [item({ property: "weights.blue", state_value: 100, found_value: 60 }), item({ property: "weights.green", state_value: 0, found_value: 40 })];
    assert.deepEqual(followUp(items, ctx), ["switchyard:traffic: set blue 60, green 40"]);
  });

  it("relative weights become the same split in whole percentages", () => {
    const [hint] = followUp([item({ property: "weights.green", state_value: 0, found_value: 40 })], ctx);
    assert.equal(hint, "switchyard:traffic: set blue 71, green 29 (the cloud's blue 100, green 40 are relative weights: the same split)");
    assert.deepEqual(asPercentages({ blue: 0, green: 0 }), undefined);
  });

  it("warns that switchyard:active would move traffic again", () => {
    const [hint] = followUp([item({ property: "weights.green", found_value: 0, state_value: 0 }), item({ property: "weights.blue", found_value: 100 })], { ...ctx, active: "green" });
    assert.match(hint!, /switchyard:active is green.*remove switchyard:active/);
  });

  it("maintenance and deletions are code, not config", () => {
    const hints = followUp(
      [
        item({ property: "adminState.green", state_value: "ready", found_value: "maint" }),
        item({ urn: GREEN_URN, type: WORKLOAD_TYPE, resource: "hello-green", operation: "delete" }),
        item({ class: "ignored", property: "weights.green", found_value: 5 }),
      ],
      ctx,
    );
    assert.equal(hints.length, 2);
    assert.match(hints[0]!, /adminState.green is maint: no config key sets it/);
    assert.match(hints[1]!, /hello-green .* deleted outside Pulumi.*next deploy creates it again/);
  });
});
