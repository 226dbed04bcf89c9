import assert from "node:assert/strict";
import { ConfigError } from "../../../model/errors";
import { applyRolloutFlags } from "../../../automation/rollout/overrides";
import { planOf } from "../../../model/config/rollout";

describe("rollout flags", () => {
  it("override the stack's steps and bake for one run", () => {
    const rollout = applyRolloutFlags({ strategy: "canary", steps: [5, 100], bake: "5m" }, { steps: "10,50", bake: "20s" });
    assert.deepEqual(planOf(rollout).map((s) => s.weight), [10, 50, 100]);
    assert.equal(rollout.bake, 20_000);
  });

  it("a preset replaces the strategy written in the stack", () => {
    const rollout = applyRolloutFlags({ strategy: "canary", steps: [5, 100] }, { preset: "Linear10PercentEvery1Minute" });
    assert.equal(planOf(rollout).length, 10);
  });

  it("a strategy replaces a preset written in the stack", () => {
    const rollout = applyRolloutFlags({ preset: "AllAtOnce" }, { strategy: "linear", stepWeight: "50" });
    assert.deepEqual(planOf(rollout).map((s) => s.weight), [50, 100]);
  });

  it("names the flag that is wrong", () => {
    assert.throws(
      () => applyRolloutFlags({}, { steps: "50,20" }),
      (e: ConfigError) => e.problems.some((p) => p.path === "--steps" && /greater than the step before/.test(p.message)),
    );
    assert.throws(() => applyRolloutFlags({}, { bake: "soon" }), (e: ConfigError) => e.problems[0]!.path === "--bake");
    assert.throws(() => applyRolloutFlags({}, { strategy: "yolo" }), (e: ConfigError) => e.problems[0]!.path === "--strategy");
  });
});
