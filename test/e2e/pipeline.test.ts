/**
 * A pipeline over three local stacks (dev -> staging -> prod) for real, with load on prod:
 * a good version flows through all three; a bad one (its slot fails every request) stops at the
 * first stage, rolled back, with the rest untouched; a stage needing approval waits and goes on
 * once approved; a driver killed (SIGKILL) mid-pipeline is taken up where it stopped.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { StackConfigInput } from "../../model/config/stack";
import type { PipelineConfigInput } from "../../model/config/pipeline";
import { PIPELINE_RUN_KEY, type PipelineRun } from "../../automation/pipeline/record";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { readStackConfigValues } from "../../automation/stack-file";
import { createTestProject, runCli, startCli, type TestProject } from "../support/project";
import { writeStackConfig } from "../support/edit-stack-file";
import { startLoad } from "../support/load";

interface StageView {
  stack: string;
  status: string;
  deployment_id?: string;
  approved_by?: string;
  verification?: string;
}
interface PipelineView {
  run: string;
  status: string;
  reason?: string;
  stages: StageView[];
  promotions: { stack: string; version: string; outcome: string; by: string }[];
}

async function answer(project: TestProject): Promise<{ version: string; slot: string }> {
  const res = await fetch(`http://127.0.0.1:${project.ports.listen}/`);
  return (await res.json()) as { version: string; slot: string };
}

describe("e2e: a release through a pipeline of three local stacks", function () {
  this.timeout(900_000);
  let dev: TestProject;
  let staging: TestProject;
  let prod: TestProject;
  let stages: TestProject[];

  const stackConfig: Partial<StackConfigInput> = {
    active: "blue",
    traffic: undefined,
    slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } },
    rollout: { strategy: "canary", steps: [50, 100], bake: "2s" },
    analysis: {
      metrics: [
        { name: "error-share", provider: { type: "haproxy", measure: "errorShare" }, interval: "1s", count: 2, inconclusiveLimit: 2, successCondition: { max: 0.01 } },
        { name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 2 },
      ],
    },
  };
  const verify = { metrics: [{ name: "smoke", provider: { type: "http" as const, path: "/" }, interval: "1s", count: 2 }] };

  function writePipeline(prodApproval: boolean): void {
    const config: PipelineConfigInput = {
      description: "dev -> staging -> prod, as in pipelines/local.yaml",
      stages: [
        { stack: dev.stackName, soak: "2s", verify },
        { stack: staging.stackName, soak: "2s", verify },
        { stack: prod.stackName, soak: "1s", approval: prodApproval },
      ],
    };
    mkdirSync(path.join(dev.workDir, "pipelines"), { recursive: true });
    writeFileSync(path.join(dev.workDir, "pipelines", "local.yaml"), stringify(config));
  }

  const pipeline = (...args: string[]) => runCli(["pipeline", ...args, "--cwd", dev.workDir], dev.env);
  const view = (stdout: string) => JSON.parse(stdout) as PipelineView;
  const runRecord = async () => (await openDocumentStore(dev.env.PULUMI_BACKEND_URL!, PROJECT_NAME, "_pipeline-local", dev.env).get<PipelineRun>(PIPELINE_RUN_KEY))?.value;
  async function waitForRun(predicate: (run: PipelineRun) => boolean, timeoutMs = 300_000): Promise<PipelineRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await runRecord();
      if (run && predicate(run)) return run;
      if (Date.now() > deadline) throw new Error(`pipeline run never matched; last: ${JSON.stringify(run)?.slice(0, 800)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const fileOf = (p: TestProject) => readFileSync(path.join(p.workDir, "stacks", `Pulumi.${p.stackName}.yaml`), "utf8");

  before(async () => {
    dev = await createTestProject("pl-dev");
    staging = await createTestProject("pl-staging", { workDir: dev.workDir, backendUrl: dev.env.PULUMI_BACKEND_URL });
    prod = await createTestProject("pl-prod", { workDir: dev.workDir, backendUrl: dev.env.PULUMI_BACKEND_URL });
    stages = [dev, staging, prod];
    for (const project of stages) {
      project.writeConfig(stackConfig);
      const first = await project.cli("deploy");
      assert.equal(first.code, 0, first.stderr);
    }
    writePipeline(false);
  });
  after(async () => {
    for (const project of [prod, staging, dev]) await project?.cleanup();
  });

  it("a good version flows through all three stages under load: each verified, each file promoted, no failed request on prod", async () => {
    const load = startLoad(`http://127.0.0.1:${prod.ports.listen}/`, { rate: 50 });
    const result = await pipeline("run", "local", "--version", "2.0.0", "--json");
    const traffic = await load.stop();
    assert.equal(result.code, 0, result.stderr);
    const report = view(result.stdout);
    assert.equal(report.status, "succeeded");
    assert.deepEqual(report.stages.map((s) => [s.stack, s.status]), stages.map((p) => [p.stackName, "verified"]));
    assert.deepEqual(report.stages.map((s) => s.verification), ["Successful", "Successful", undefined]);
    for (const project of stages) {
      assert.deepEqual(await answer(project), { service: "hello", version: "2.0.0", slot: "green" } as never);
      const values = readStackConfigValues(project.workDir, project.stackName);
      assert.equal(values.active, "green", `${project.stackName}'s file names the promoted slot`);
      assert.deepEqual(values.slots, { blue: { version: "1.0.0" }, green: { version: "2.0.0" } });
    }
    assert.equal(traffic.failed + traffic.errors, 0, `failed requests on prod: ${JSON.stringify(traffic)}`);
    assert.ok(traffic.ok > 100, `load ran: ${JSON.stringify(traffic)}`);
    assert.deepEqual(report.promotions.map((p) => [p.stack, p.version, p.outcome]), stages.map((p) => [p.stackName, "2.0.0", "verified"]));
    // Each stage's release is in its ledger, so `releases` and DORA count it.
    const releases = JSON.parse((await prod.cli("releases", "--json")).stdout) as { releases: { versions: { green: string } }[] };
    assert.equal(releases.releases.at(-1)!.versions.green, "2.0.0");
  });

  it("policy: a version put on a later stage by hand, never verified by the stage before, is refused naming the rule", async () => {
    const file = fileOf(prod);
    const unchanged = await prod.cli("policy", "--json");
    assert.equal(unchanged.code, 0, `the stage serving what staging verified passes: ${unchanged.stdout}${unchanged.stderr}`);
    writeStackConfig(prod.workDir, prod.stackName, { active: "blue", slots: { blue: { version: "9.9.9" }, green: { version: "2.0.0" } } });
    const refused = await prod.cli("policy");
    writeFileSync(path.join(prod.workDir, "stacks", `Pulumi.${prod.stackName}.yaml`), file);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, new RegExp(`pipeline-verified-before[\\s\\S]*version 9\\.9\\.9 would reach stage 3 of pipeline local before ${staging.stackName} verified it \\(${staging.stackName} verified: 2\\.0\\.0\\)`));
  });

  it("a bad version stops at the first stage, rolled back and its file put back; staging and prod untouched", async () => {
    // dev's idle slot (blue, after the last promotion) fails every request.
    writeStackConfig(dev.workDir, dev.stackName, { slots: { blue: { version: "1.0.0", failureRate: 1 }, green: { version: "2.0.0" } } });
    const devFileBefore = readStackConfigValues(dev.workDir, dev.stackName);
    const untouched = [staging, prod].map((p) => ({ file: fileOf(p) }));
    const recordsBefore = await Promise.all([staging, prod].map((p) => p.rolloutRecord()));
    const result = await pipeline("run", "local", "--version", "3.0.0", "--json");
    assert.equal(result.code, 3, result.stderr);
    const report = view(result.stdout);
    assert.equal(report.status, "failed");
    assert.deepEqual(report.stages.map((s) => s.status), ["failed", "not-reached", "not-reached"]);
    assert.match(report.reason ?? "", new RegExp(`${dev.stackName}: rolled back`));
    assert.deepEqual(await answer(dev), { service: "hello", version: "2.0.0", slot: "green" } as never, "dev serves the release before");
    assert.deepEqual(readStackConfigValues(dev.workDir, dev.stackName), devFileBefore, "dev's file asks for what it runs again");
    assert.deepEqual([staging, prod].map((p) => ({ file: fileOf(p) })), untouched, "later stages' files untouched");
    assert.deepEqual(await Promise.all([staging, prod].map((p) => p.rolloutRecord())), recordsBefore, "later stages' records untouched");
    for (const project of [staging, prod]) assert.equal((await answer(project)).version, "2.0.0");
    writeStackConfig(dev.workDir, dev.stackName, { slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } } });
  });

  it("a stage that needs approval waits, untouched, and goes on once approved", async () => {
    writePipeline(true);
    const prodFile = fileOf(prod);
    const driver = startCli(["pipeline", "run", "local", "--version", "4.0.0", "--json", "--cwd", dev.workDir], dev.env);
    const waitingRun = await waitForRun((r) => r.status === "waiting-approval");
    assert.deepEqual(waitingRun.stages.map((s) => s.status), ["verified", "verified", "pending"]);
    assert.equal(fileOf(prod), prodFile, "prod is not touched before approval");
    const status = await pipeline("status", "local", "--json");
    assert.match(view(status.stdout).reason ?? "", new RegExp(`approve local --stage ${prod.stackName}`));
    const approved = await runCli(["pipeline", "approve", "local", "--stage", prod.stackName, "--json", "--cwd", dev.workDir], { ...dev.env, SWITCHYARD_USER: "release-manager" });
    assert.equal(approved.code, 0, approved.stderr);
    const result = await driver.done;
    assert.equal(result.code, 0, result.stderr);
    const report = view(result.stdout);
    assert.equal(report.status, "succeeded");
    assert.equal(report.stages[2]!.approved_by, "release-manager");
    assert.equal((await answer(prod)).version, "4.0.0");
    writePipeline(false);
  });

  it("a driver killed (SIGKILL) mid-pipeline is taken up where it stopped: no stage run twice", async () => {
    const driver = startCli(["pipeline", "run", "local", "--version", "5.0.0", "--cwd", dev.workDir], dev.env);
    const atKill = await waitForRun((r) => r.stages[1]?.status === "deploying");
    await staging.waitForRecord((r) => r.canaryVersion === "5.0.0" && r.steps[0]?.phase === "baking");
    driver.child.kill("SIGKILL");
    await driver.done;
    const status = await pipeline("status", "local");
    assert.match(status.stdout, /no driver is running: switchyard pipeline run local --version 5\.0\.0 takes it up/);
    const other = await pipeline("run", "local", "--version", "6.0.0");
    assert.equal(other.code, 1, "another version cannot start over an unfinished run");
    assert.match(other.stderr, /unfinished run p-\w+ of version 5\.0\.0/);
    const stagingRollout = (await staging.rolloutRecord())!.id;
    const resumed = await pipeline("run", "local", "--version", "5.0.0", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const report = view(resumed.stdout);
    assert.equal(report.run, atKill.id, "the same run went on");
    assert.equal(report.status, "succeeded");
    assert.equal(report.stages[0]!.deployment_id, atKill.stages[0]!.deploymentId, "dev was not deployed again");
    assert.equal(report.stages[1]!.deployment_id, stagingRollout, "staging's rollout was resumed, not started again");
    for (const project of stages) assert.equal((await answer(project)).version, "5.0.0");
  });

  it("abort during a stage's rollout: the stage rolls back, its file is put back, the run ends aborted, later stages untouched", async () => {
    const stagingFile = fileOf(staging);
    const devFile = readStackConfigValues(dev.workDir, dev.stackName);
    const driver = startCli(["pipeline", "run", "local", "--version", "8.0.0", "--json", "--cwd", dev.workDir], dev.env);
    await dev.waitForRecord((r) => r.canaryVersion === "8.0.0" && r.steps[0]?.phase === "baking");
    const aborted = await runCli(["pipeline", "abort", "local", "--json", "--cwd", dev.workDir], { ...dev.env, SWITCHYARD_USER: "on-call" });
    assert.equal(aborted.code, 3, aborted.stderr);
    const report = view(aborted.stdout);
    assert.equal(report.status, "aborted");
    assert.deepEqual(report.stages.map((s) => s.status), ["failed", "not-reached", "not-reached"]);
    assert.equal((await driver.done).code, 3, "the driver ended with the run");
    assert.equal((await answer(dev)).version, "5.0.0", "dev serves the release before");
    assert.deepEqual(readStackConfigValues(dev.workDir, dev.stackName), devFile, "dev's file is as before the run");
    assert.equal(fileOf(staging), stagingFile);
    const promotions = view((await pipeline("status", "local", "--json")).stdout).promotions;
    assert.deepEqual(promotions.at(-1) && [promotions.at(-1)!.stack, promotions.at(-1)!.version, promotions.at(-1)!.outcome], [dev.stackName, "8.0.0", "aborted"]);
  });

  it("bad input: an unknown pipeline, a bad version, an unknown stage: named, nothing changed", async () => {
    const before = await runRecord();
    const unknown = await pipeline("run", "nope", "--version", "7.0.0");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no pipeline file pipelines\/nope\.yaml/);
    const badVersion = await pipeline("run", "local", "--version", "7 0");
    assert.equal(badVersion.code, 1);
    assert.match(badVersion.stderr, /--version: must be the version to carry/);
    const stagingFile = fileOf(staging);
    writeStackConfig(staging.workDir, staging.stackName, { slots: { blue: { version: "7.7.7" }, green: { version: "5.0.0" } } });
    const outOfStep = await pipeline("run", "local", "--version", "7.0.0");
    writeFileSync(path.join(staging.workDir, "stacks", `Pulumi.${staging.stackName}.yaml`), stagingFile);
    assert.equal(outOfStep.code, 1);
    assert.match(outOfStep.stderr, new RegExp(`stacks/Pulumi\\.${staging.stackName}\\.yaml: asks for active green \\(blue 7\\.7\\.7 / green 5\\.0\\.0\\), but the stage runs active green \\(blue 4\\.0\\.0 / green 5\\.0\\.0\\)`));
    const approve = await pipeline("approve", "local", "--stage", "nowhere");
    assert.equal(approve.code, 1);
    assert.match(approve.stderr, /no run in progress to approve/);
    assert.deepEqual(await runRecord(), before);
  });
});
