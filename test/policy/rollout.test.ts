import assert from "node:assert/strict";
import { baselineEntry } from "../../policy/lib/baseline";
import { replacementKeys } from "../../policy/lib/replacement";
import { weightSets } from "../../policy/lib/weights";
import { rolloutAnalysisRequired } from "../../policy/rules/rollout/analysis-required";
import { rolloutBakeTime } from "../../policy/rules/rollout/bake-time";
import { rolloutFirstStep } from "../../policy/rules/rollout/first-step";
import { activeWindow, freezeWindowRule } from "../../policy/rules/rollout/freeze-window";
import { pipelineOrder } from "../../policy/rules/rollout/pipeline-order";
import { stackWith, urnOf, validateStack, whys, type TestResource } from "./harness";

const GOOD = { environment: "production", strategy: "canary", steps: [10, 50, 100], bakeSeconds: 300, analysis: { metrics: [{ name: "error-rate" }] } };
const plan = (overrides: Record<string, unknown> = {}) => [stackWith({ rolloutPlan: { ...GOOD, ...overrides } })];

describe("policy rollout-first-step", () => {
  it("passes a 10% first step", async () => assert.deepEqual(await validateStack(rolloutFirstStep, plan()), []));
  it("fails a 25% first step in production", async () =>
    assert.deepEqual(whys(await validateStack(rolloutFirstStep, plan({ steps: [25, 100] }))), [
      "the first step sends 25% of production traffic to the new slot; at most 10% is allowed (stack output rolloutPlan)",
    ]));
  it("reads stepWeight of a linear plan", async () => assert.equal((await validateStack(rolloutFirstStep, plan({ strategy: "linear", steps: undefined, stepWeight: 20 }))).length, 1));
  it("fails all-at-once in production", async () => assert.equal((await validateStack(rolloutFirstStep, plan({ strategy: "all-at-once" }))).length, 1));
  it("exempts blue-green by default", async () => assert.deepEqual(await validateStack(rolloutFirstStep, plan({ strategy: "blue-green" })), []));
  it("fails a plan without steps", async () => assert.match(whys(await validateStack(rolloutFirstStep, plan({ steps: undefined })))[0]!, /has no first step/));
  it("takes its threshold from config", async () => assert.deepEqual(await validateStack(rolloutFirstStep, plan({ steps: [25, 100] }), { maxFirstStepPercent: 25 }), []));
  it("ignores staging by default", async () => assert.deepEqual(await validateStack(rolloutFirstStep, plan({ environment: "staging", steps: [50] })), []));
  it("ignores a stack without a plan", async () => assert.deepEqual(await validateStack(rolloutFirstStep, [stackWith({})]), []));
  it("reports on the stack resource", async () =>
    assert.equal((await validateStack(rolloutFirstStep, plan({ steps: [50] })))[0]!.urn, urnOf("pulumi:pulumi:Stack", "switchyard-test")));
});

describe("policy rollout-analysis-required", () => {
  it("passes with metrics", async () => assert.deepEqual(await validateStack(rolloutAnalysisRequired, plan()), []));
  it("fails without metrics", async () => assert.equal((await validateStack(rolloutAnalysisRequired, plan({ analysis: { metrics: [] } }))).length, 1));
  it("applies where config says", async () =>
    assert.equal((await validateStack(rolloutAnalysisRequired, plan({ environment: "staging", analysis: undefined }), { environments: ["staging"] })).length, 1));
});

describe("policy rollout-bake-time", () => {
  it("passes 300 s", async () => assert.deepEqual(await validateStack(rolloutBakeTime, plan()), []));
  it("fails when unset", async () => assert.deepEqual(whys(await validateStack(rolloutBakeTime, plan({ bakeSeconds: undefined }))), ["the production rollout sets no bake time"]));
  it("fails below the minimum", async () => assert.equal((await validateStack(rolloutBakeTime, plan({ bakeSeconds: 30 }), { minBakeSeconds: 120 })).length, 1));
});

describe("policy rollout-freeze-window", () => {
  const now = new Date("2025-12-24T12:00:00Z"); // a Wednesday
  const rule = freezeWindowRule(() => now);
  const holidays = { windows: [{ name: "holidays", start: "2025-12-20T00:00:00Z", end: "2026-01-02T00:00:00Z" }] };
  const weights = (blue: number, green: number): TestResource => ({
    type: "pulumi-nodejs:dynamic/local:HaproxyWeights",
    name: "w",
    props: { socketPath: "/s", backend: "b", weights: { blue, green } },
  });
  const baseline = (r: TestResource) => ({ [urnOf(r.type, r.name!)]: baselineEntry(weightSets(r.type, r.props), r.props, replacementKeys(r.type)) });

  it("finds date and weekly windows", () => {
    assert.equal(activeWindow(now, holidays.windows, []), "holidays");
    assert.equal(activeWindow(now, [], [{ days: ["wed"], from: "09:00", to: "17:00" }]), "wed 09:00–17:00 UTC");
    assert.equal(activeWindow(now, [], [{ days: ["fri"], from: "00:00", to: "23:59" }]), undefined);
  });
  it("fails a weight change inside a window", async () =>
    assert.deepEqual(whys(await validateStack(rule, [...plan(), weights(90, 10)], { ...holidays, baseline: baseline(weights(100, 0)) })), [
      'freeze window "holidays" is active and this update shifts traffic on w',
    ]));
  it("passes an update that keeps the weights", async () =>
    assert.deepEqual(await validateStack(rule, [...plan(), weights(100, 0)], { ...holidays, baseline: baseline(weights(100, 0)) }), []));
  it("fails when no baseline can prove that nothing shifts", async () => assert.equal((await validateStack(rule, [...plan(), weights(100, 0)], holidays)).length, 1));
  it("passes outside every window", async () =>
    assert.deepEqual(await validateStack(freezeWindowRule(() => new Date("2026-02-01T00:00:00Z")), [...plan(), weights(90, 10)], holidays), []));
  it("leaves development stacks alone", async () => assert.deepEqual(await validateStack(rule, [weights(90, 10)], holidays), []));
  it("rejects a window with a bad date", async () =>
    assert.rejects(validateStack(rule, [...plan(), weights(90, 10)], { windows: [{ start: "soon", end: "later" }] }), /must be ISO 8601/));
});

describe("policy pipeline-verified-before", () => {
  const evidence = { pipeline: "local", stage: 3, previous: "local-staging", verified: ["2.0.0", "2.1.0"], current: "2.0.0" };
  const serving = (version: string | undefined) => [stackWith({ rolloutPlan: { ...GOOD, release: { active: "green", version } } })];
  it("passes a version the stage before verified", async () => assert.deepEqual(await validateStack(pipelineOrder, serving("2.1.0"), { evidence }), []));
  it("passes the version the stage serves now (nothing reaches it)", async () => assert.deepEqual(await validateStack(pipelineOrder, serving("2.0.0"), { evidence: { ...evidence, verified: [] } }), []));
  it("fails a version the stage before never verified, naming both stages and the fix", async () =>
    assert.deepEqual(whys(await validateStack(pipelineOrder, serving("9.9.9"), { evidence })), [
      "version 9.9.9 would reach stage 3 of pipeline local before local-staging verified it (local-staging verified: 2.0.0, 2.1.0)",
    ]));
  it("fails when the run does not say which version it serves", async () => assert.match(whys(await validateStack(pipelineOrder, serving(undefined), { evidence }))[0]!, /does not say which version it serves/));
  it("judges nothing without evidence, unless evidence is required", async () => {
    assert.deepEqual(await validateStack(pipelineOrder, serving("9.9.9")), []);
    assert.match(whys(await validateStack(pipelineOrder, serving("9.9.9"), { requireEvidence: true }))[0]!, /no evidence of what the stage before it verified/);
  });
});
