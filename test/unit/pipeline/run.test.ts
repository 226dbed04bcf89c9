import { strict as assert } from "node:assert";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pipelineSchema } from "../../../model/config/pipeline";
import type { AnalysisRun } from "../../../automation/analysis/types";
import { readIntent } from "../../../automation/pipeline/intent";
import { newPipelineRun, PIPELINE_RUN_KEY, PROMOTIONS_KEY, type PipelineRun, type PromotionRecord } from "../../../automation/pipeline/record";
import { drivePipeline, type PipelineDeps } from "../../../automation/pipeline/run";
import { MemoryStore } from "../../support/memory-store";

const stackFile = (active: string) => `config:\n  switchyard:target: local\n  switchyard:slots:\n    blue:\n      version: "1.0.0"\n    green:\n      version: "1.0.0"\n  switchyard:active: ${active}\n`;
const success: AnalysisRun = { phase: "Successful", metrics: [], startedAt: "t", finishedAt: "t" };

describe("pipeline loop, with its effects faked", () => {
  let dir: string;
  let store: MemoryStore;
  let calls: string[];
  let healthy: (stack: string) => boolean;
  const config = pipelineSchema.parse({ stages: [{ stack: "dev", soak: "1s", verify: { metrics: [{ name: "smoke", provider: { type: "http", path: "/" } }] } }, { stack: "prod" }] });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-pipeline-"));
    mkdirSync(path.join(dir, "stacks"));
    for (const stack of ["dev", "prod"]) writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), stackFile("blue"));
    store = new MemoryStore();
    calls = [];
    healthy = () => true;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const deps = (over: Partial<PipelineDeps> = {}): PipelineDeps => ({
    workDir: dir,
    store,
    config,
    progress: () => {},
    deployStage: async (stack) => (calls.push(`deploy ${stack}`), { kind: "succeeded", deploymentId: `r-${stack}` }),
    rollbackStage: async (stack) => void calls.push(`rollback ${stack}`),
    checkStage: async (stack) => (calls.push(`check ${stack}`), { healthy: healthy(stack), reason: healthy(stack) ? undefined : "haproxy: not running" }),
    verifyStage: async (stack) => (calls.push(`verify ${stack}`), success),
    sleep: async () => {},
    ...over,
  });
  const start = async (run: PipelineRun = newPipelineRun("local", "2.0.0", ["dev", "prod"], "ana")) => store.put(PIPELINE_RUN_KEY, run, 0);

  it("promotes, deploys, soaks with health checks, verifies each stage in order; promotion records kept", async () => {
    let clock = 0;
    const { run } = await drivePipeline(await start(), deps({ now: () => (clock += 400) }));
    assert.equal(run.status, "succeeded");
    assert.deepEqual(readIntent(dir, "prod"), { active: "green", versions: { blue: "1.0.0", green: "2.0.0" } });
    assert.deepEqual(calls.filter((c) => !c.startsWith("check")), ["deploy dev", "verify dev", "deploy prod"]);
    assert.ok(calls.filter((c) => c === "check dev").length >= 2, `dev's soak checked health: ${calls.join(", ")}`);
    const promotions = (await store.get<{ entries: PromotionRecord[] }>(PROMOTIONS_KEY))!.value.entries;
    assert.deepEqual(promotions.map((p) => [p.stack, p.outcome]), [["dev", "verified"], ["prod", "verified"]]);
  });

  it("a run resumed after its soak ended checks the stage before verifying: not serving, it rolls back and stops", async () => {
    // Killed while dev soaked; taken up long after the soak's end, with dev down meanwhile.
    const killed: PipelineRun = { ...newPipelineRun("local", "2.0.0", ["dev", "prod"], "ana"), stages: [{ stack: "dev", status: "soaking", priorIntent: { active: "blue", versions: { blue: "1.0.0", green: "1.0.0" } }, promotedSlot: "green", soakStartedAt: new Date(0).toISOString() }, { stack: "prod", status: "pending" }] };
    writeFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), stackFile("green").replace('green:\n      version: "1.0.0"', 'green:\n      version: "2.0.0"'));
    healthy = (stack) => stack !== "dev";
    const { run } = await drivePipeline(await start(killed), deps());
    assert.equal(run.status, "failed");
    assert.match(run.reason ?? "", /dev: not serving at the end of its soak: haproxy: not running/);
    assert.deepEqual(calls, ["check dev", "rollback dev"], "never verified, prod never touched");
    assert.deepEqual(readIntent(dir, "dev"), { active: "blue", versions: { blue: "1.0.0", green: "1.0.0" } }, "dev's file put back");
    assert.deepEqual(readIntent(dir, "prod"), { active: "blue", versions: { blue: "1.0.0", green: "1.0.0" } });
  });

  it("a failed verification rolls the stage back and records the failed promotion", async () => {
    const failed: AnalysisRun = { phase: "Failed", metrics: [{ name: "smoke", phase: "Failed", message: "2 of 2 failed", measurements: [] }], startedAt: "t", finishedAt: "t" };
    const { run } = await drivePipeline(await start(), deps({ verifyStage: async () => failed, now: () => Date.now() + 10_000 }));
    assert.equal(run.status, "failed");
    assert.match(run.reason ?? "", /verification Failed: smoke Failed: 2 of 2 failed/);
    assert.ok(calls.includes("rollback dev"));
    assert.ok(!calls.includes("deploy prod"));
  });
});
