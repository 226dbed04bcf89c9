import { strict as assert } from "node:assert";
import { pipelineSchema, type PipelineConfigInput } from "../../../model/config/pipeline";
import { abortedBetweenStages, approve, ApprovalError, deploying, failed, nextAction, passed, promoting, promotionOf, soaking } from "../../../automation/pipeline/machine";
import { newPipelineRun, type PipelineRun } from "../../../automation/pipeline/record";

const T0 = Date.parse("2026-12-06T10:00:00Z");
const at = (s: number) => T0 + s * 1000;
const config = (over: Partial<PipelineConfigInput> = {}) =>
  pipelineSchema.parse({
    stages: [{ stack: "dev", soak: "10s", verify: { metrics: [{ name: "smoke", provider: { type: "http", path: "/" } }] } }, { stack: "staging" }, { stack: "prod", approval: true }],
    ...over,
  });
const fresh = (): PipelineRun => newPipelineRun("local", "2.0.0", ["dev", "staging", "prod"], "ana", new Date(at(0)));
const prior = { active: "blue" as const, versions: { blue: "1.0.0", green: "1.0.0" } };

describe("pipeline machine: what to do next", () => {
  it("a fresh run promotes its first stage", () => {
    assert.deepEqual(nextAction(fresh(), config(), at(1)), { kind: "promote", stage: 0 });
  });

  it("promote, deploy, soak until the soak ends, then verify; a stage without verification passes", () => {
    const cfg = config();
    let run = promoting(fresh(), 0, prior, "green", at(1));
    assert.deepEqual(nextAction(run, cfg, at(1)), { kind: "promote", stage: 0 }, "a promotion killed before the file was written is written again");
    run = deploying(run, 0, at(2));
    assert.deepEqual(nextAction(run, cfg, at(2)), { kind: "deploy", stage: 0 });
    run = soaking(run, 0, "r-1", at(30));
    assert.deepEqual(nextAction(run, cfg, at(35)), { kind: "soak", stage: 0, until: at(40) });
    assert.deepEqual(nextAction(run, cfg, at(40)), { kind: "verify", stage: 0 });
    run = passed(run, 0, undefined, at(41));
    assert.equal(run.stageIndex, 1);
    run = soaking(deploying(promoting(run, 1, prior, "green", at(42)), 1, at(42)), 1, "r-2", at(50));
    assert.deepEqual(nextAction(run, cfg, at(50)), { kind: "pass", stage: 1 }, "no soak, no verification: it passes");
  });

  it("a stage needing approval waits for it; approval ahead of time is kept", () => {
    const cfg = config();
    let run: PipelineRun = { ...fresh(), stageIndex: 2, stages: fresh().stages.map((s, i) => (i < 2 ? { ...s, status: "verified" as const } : s)) };
    assert.deepEqual(nextAction(run, cfg, at(1)), { kind: "await-approval", stage: 2 });
    run = approve({ ...run, status: "waiting-approval" }, "prod", "lead", at(2));
    assert.equal(run.status, "running");
    assert.equal(run.stages[2]!.approvedBy, "lead");
    assert.deepEqual(nextAction(run, cfg, at(3)), { kind: "promote", stage: 2 });
    const early = approve(fresh(), "prod", "lead", at(1));
    assert.equal(early.stages[2]!.approvedBy, "lead", "approved before the run reached it");
  });

  it("approval is refused for an unknown stage, one already begun, or one approved", () => {
    assert.throws(() => approve(fresh(), "qa", "lead", at(1)), (e: Error) => e instanceof ApprovalError && /no stage "qa"; its stages are dev, staging, prod/.test(e.message));
    assert.throws(() => approve(promoting(fresh(), 0, prior, "green", at(1)), "dev", "lead", at(2)), /is promoting: approval is given before a stage begins/);
    assert.throws(() => approve(approve(fresh(), "prod", "a", at(1)), "prod", "b", at(2)), /already approved by a/);
  });

  it("a freeze window holds a stage back with its end and reason; after it the stage goes on", () => {
    const cfg = config({ stages: [{ stack: "dev", freeze: [{ from: "2026-12-06T09:00:00Z", to: "2026-12-06T11:00:00Z", reason: "holiday" }] }] });
    assert.deepEqual(nextAction(fresh(), cfg, at(0)), { kind: "frozen", stage: 0, until: Date.parse("2026-12-06T11:00:00Z"), reason: "holiday" });
    assert.deepEqual(nextAction(fresh(), cfg, Date.parse("2026-12-06T11:00:00Z")), { kind: "promote", stage: 0 });
  });

  it("a failed stage ends the run: later stages are never reached", () => {
    const run = failed(deploying(promoting(fresh(), 0, prior, "green", at(1)), 0, at(1)), 0, "rolled back: smoke Failed", at(9));
    assert.equal(run.status, "failed");
    assert.equal(run.reason, "dev: rolled back: smoke Failed");
    assert.deepEqual(run.stages.map((s) => s.status), ["failed", "not-reached", "not-reached"]);
    assert.equal(run.owner, undefined);
    assert.deepEqual(nextAction(run, config(), at(10)), { kind: "finished" });
    assert.deepEqual(promotionOf(run, 0, "failed", at(10)), { run: run.id, pipeline: "local", stage: 1, stack: "dev", version: "2.0.0", outcome: "failed", by: "ana", approvedBy: undefined, deploymentId: undefined, at: new Date(at(10)).toISOString(), reason: "rolled back: smoke Failed" });
  });

  it("an abort request is taken first; between stages it ends the run with nothing to roll back", () => {
    const requested = { ...fresh(), request: { action: "abort" as const, by: "ops", at: new Date(at(1)).toISOString() } };
    assert.deepEqual(nextAction(requested, config(), at(2)), { kind: "abort" });
    const ended = abortedBetweenStages(requested, "ops", at(3));
    assert.equal(ended.status, "aborted");
    assert.deepEqual(ended.stages.map((s) => s.status), ["not-reached", "not-reached", "not-reached"]);
  });

  it("the last stage passing succeeds the run", () => {
    let run: PipelineRun = { ...fresh(), stageIndex: 2, stages: fresh().stages.map((s, i) => (i < 2 ? { ...s, status: "verified" as const } : s)) };
    run = passed(soaking(deploying(promoting(approve(run, "prod", "x", at(0)), 2, prior, "green", at(1)), 2, at(1)), 2, "r-9", at(2)), 2, undefined, at(3));
    assert.equal(run.status, "succeeded");
    assert.deepEqual(nextAction(run, config(), at(4)), { kind: "finished" });
  });
});

describe("pipeline config", () => {
  const problems = (input: unknown) => {
    const parsed = pipelineSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  it("names the field and the fix", () => {
    assert.deepEqual(problems({ stages: [] }), ["stages: must list at least one stage"]);
    assert.deepEqual(problems({ stages: [{ stack: "dev" }, { stack: "dev" }] }), ['stages.1.stack: "dev" is already stage 1; a release reaches each stack once']);
    assert.deepEqual(problems({ stages: [{ stack: "dev", soak: "soon" }] }), ['stages.0.soak: duration "soon" must look like 500ms, 30s, 2m or 1h, or be a number of seconds']);
    assert.deepEqual(problems({ stages: [{ stack: "dev", freeze: [{ from: "2026-12-24T00:00:00Z", to: "2026-12-23T00:00:00Z" }] }] }), ["stages.0.freeze.0.to: from must be before to"]);
    assert.deepEqual(problems({ stages: [{ stack: "dev", aproval: true }] }), ['stages.0: Unrecognized key: "aproval"']);
  });
});
