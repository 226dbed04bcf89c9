/**
 * The pack under the real engine (CLI 3.274.1, policy/analyzer launcher): a deliberate violation
 * blocks the preview with a readable list, the fixed program passes, pack config sets levels,
 * and a remediation is applied by `up`. Preview-only programs use the local target's real
 * HaproxyWeights resource; previews of new resources start no process.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { previewWithPolicy, startPolicySession } from "../../../automation/policy/run";
import { renderPolicyText } from "../../../automation/policy/render";
import { HaproxyWeights } from "../../../components/local/resources";
import { createPolicyProject, type PolicyTestProject } from "./project";

const GOOD_PLAN = { environment: "production", strategy: "canary", steps: [10, 50, 100], bakeSeconds: 300, analysis: { metrics: [{ name: "error-rate" }] } };

function weightsProgram(weights: { blue: number; green: number }, plan: object) {
  return async () => {
    new HaproxyWeights("hello-traffic-weights", {
      socketPath: "/nonexistent/admin.sock",
      stateFile: "/nonexistent/state",
      backend: "hello",
      weights,
      adminState: { blue: "ready", green: "ready" },
      instancePid: 1,
    });
    return { rolloutPlan: plan };
  };
}

/** A dynamic resource with tags and nothing behind it: `up` creates it without side effects. */
const taggedProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "tagged", outs: inputs };
  },
};
class Tagged extends pulumi.dynamic.Resource {
  constructor(name: string, tags: Record<string, string>) {
    super(taggedProvider, name, { tags }, {});
  }
}
const taggedProgram = async () => {
  new Tagged("tagged", { owner: "team-a" });
  return { rolloutPlan: { ...GOOD_PLAN, steps: [50, 100] } };
};

describe("engine: policy pack", function () {
  this.timeout(180_000);
  let project: PolicyTestProject;

  before(() => {
    project = createPolicyProject("policy-engine");
  });
  after(async () => {
    await project?.cleanup();
  });

  it("blocks a preview with a deliberate violation and lists rule, resource, why and fix", async () => {
    const opened = await project.open(weightsProgram({ blue: 60, green: 50 }, { ...GOOD_PLAN, steps: [50, 100] }));
    const { report, exitCode } = await previewWithPolicy(opened);
    assert.equal(exitCode, 1);
    assert.equal(report.blocked, true);
    const weights = report.findings.find((f) => f.rule === "traffic-weights-valid");
    assert.ok(weights, renderPolicyText(report));
    assert.equal(weights.level, "mandatory");
    assert.deepEqual(weights.resource && { type: weights.resource.type, name: weights.resource.name }, {
      type: "pulumi-nodejs:dynamic/local:HaproxyWeights",
      name: "hello-traffic-weights",
    });
    assert.equal(weights.why, "local HAProxy weights: [60, 50] adds up to 110, not 100");
    assert.equal(weights.fix, "make the weights add up to 100");
    const firstStep = report.findings.find((f) => f.rule === "rollout-first-step");
    assert.equal(firstStep?.resource?.type, "pulumi:pulumi:Stack");
    assert.match(renderPolicyText(report), /BLOCKED/);
  });

  it("passes the fixed program", async () => {
    const opened = await project.open(weightsProgram({ blue: 90, green: 10 }, GOOD_PLAN));
    const { report, exitCode } = await previewWithPolicy(opened);
    assert.equal(exitCode, 0, renderPolicyText(report));
    assert.deepEqual(report.findings.filter((f) => f.level === "mandatory"), []);
  });

  it("takes enforcement levels and thresholds from the pack config", async () => {
    project.writePolicyConfig({ "rollout-first-step": { enforcementLevel: "advisory", maxFirstStepPercent: 5 } });
    const opened = await project.open(weightsProgram({ blue: 90, green: 10 }, GOOD_PLAN));
    const { report, exitCode } = await previewWithPolicy(opened);
    assert.equal(exitCode, 0, renderPolicyText(report));
    const advisory = report.findings.find((f) => f.rule === "rollout-first-step");
    assert.equal(advisory?.level, "advisory");
    assert.match(advisory.why, /at most 5% is allowed/);
  });

  it("applies the required-tags remediation on up, where stack policies still see the stack outputs", async () => {
    project.writePolicyConfig({
      "rollout-first-step": "advisory",
      "security-required-tags": {
        enforcementLevel: "remediate",
        values: { owner: "team-b", environment: "development" },
        remediableTypes: ["pulumi-nodejs:dynamic:Resource"],
      },
    });
    const opened = await project.open(taggedProgram);
    const session = await startPolicySession(opened, "up");
    try {
      await opened.run("up", (stack) => stack.up(session.engineOptions));
      const report = session.finish();
      assert.deepEqual(report.remediations.map((r) => [r.rule, r.resource.name, r.changed]), [["security-required-tags", "tagged", ["tags.environment"]]]);
      assert.equal(report.blocked, false);
      assert.equal(report.findings.find((f) => f.rule === "rollout-first-step")?.level, "advisory");
    } finally {
      session.dispose();
    }
    const state = await opened.run("export", (s) => s.exportStack());
    const tagged = state.deployment.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic:Resource");
    assert.deepEqual(tagged.inputs.tags, { owner: "team-a", environment: "development" });
  });
});
