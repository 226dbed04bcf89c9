import assert from "node:assert/strict";
import { planRollout, presetSettings, PlanError } from "../../../model/config/plan";

const weights = (s: Parameters<typeof planRollout>[0]) => planRollout(s).map((step) => step.weight);

describe("rollout plans", () => {
  const cases: Array<[string, Parameters<typeof planRollout>[0], number[]]> = [
    ["canary with explicit steps", { strategy: "canary", steps: [5, 25, 50, 100], bakeSeconds: 30 }, [5, 25, 50, 100]],
    ["canary steps without 100 get it added", { strategy: "canary", steps: [10, 50], bakeSeconds: 30 }, [10, 50, 100]],
    ["canary by stepWeight up to maxWeight", { strategy: "canary", stepWeight: 20, maxWeight: 60, bakeSeconds: 30 }, [20, 40, 60, 100]],
    ["canary by stepWeight alone", { strategy: "canary", stepWeight: 30, bakeSeconds: 30 }, [30, 60, 90, 100]],
    ["linear", { strategy: "linear", stepWeight: 25, bakeSeconds: 60 }, [25, 50, 75, 100]],
    ["all-at-once", { strategy: "all-at-once", bakeSeconds: 0 }, [100]],
    ["blue-green: pre-promotion at 0, then 100", { strategy: "blue-green", bakeSeconds: 10 }, [0, 100]],
  ];
  for (const [name, settings, expected] of cases) {
    it(name, () => assert.deepEqual(weights(settings), expected));
  }

  it("analyses every step and bakes as configured", () => {
    for (const step of planRollout({ strategy: "canary", steps: [5, 100], bakeSeconds: 42 })) {
      assert.equal(step.analysis, true);
      assert.equal(step.bakeSeconds, 42);
    }
  });

  it("blue-green checks the new slot before any traffic reaches it", () => {
    const [pre, post] = planRollout({ strategy: "blue-green", bakeSeconds: 10 });
    assert.deepEqual([pre!.kind, pre!.weight, post!.kind, post!.weight], ["pre-promotion", 0, "post-promotion", 100]);
  });

  const bad: Array<[string, Parameters<typeof planRollout>[0], RegExp]> = [
    ["decreasing steps", { strategy: "canary", steps: [50, 25], bakeSeconds: 1 }, /rollout\.steps\[1\]: must be greater than the step before \(50\)/],
    ["a zero step", { strategy: "canary", steps: [0, 50], bakeSeconds: 1 }, /rollout\.steps\[0\]: must be a whole percentage from 1 to 100/],
    ["linear without a step weight", { strategy: "linear", bakeSeconds: 1 }, /rollout\.stepWeight/],
  ];
  for (const [name, settings, message] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => planRollout(settings), (e: PlanError) => message.test(e.message) && e.fix.length > 0));
  }
});

describe("CodeDeploy presets", () => {
  const cases: Array<[string, number[], number]> = [
    ["Canary10Percent5Minutes", [10, 100], 300],
    ["CodeDeployDefault.ECSCanary10Percent15Minutes", [10, 100], 900],
    ["LambdaLinear10PercentEvery1Minute", [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 60],
    ["ECSLinear10PercentEvery3Minutes", [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 180],
    ["AllAtOnce", [100], 0],
  ];
  for (const [name, expected, bake] of cases) {
    it(`${name} → ${expected.join("/")} with ${bake}s bake`, () => {
      const settings = presetSettings(name);
      assert.deepEqual(weights(settings), expected);
      assert.equal(settings.bakeSeconds, bake);
    });
  }
  it("names the valid presets for an unknown one", () => {
    assert.throws(() => presetSettings("HalfAtATime"), /unknown preset "HalfAtATime"/);
  });
});
