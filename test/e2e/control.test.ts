/**
 * Crash safety and control from other terminals, on the local target with real processes:
 * SIGKILL of the driver during a bake, then deploy resumes; pause, resume, promote and abort
 * from second processes.
 */
import assert from "node:assert/strict";
import type { StackConfigInput } from "../../model/config/stack";
import type { RolloutRecord } from "../../automation/rollout/record";
import { createTestProject, type TestProject } from "../support/project";

const bakingAt = (index: number) => (r: RolloutRecord) => r.stepIndex === index && r.steps[index]?.phase === "baking" && r.owner !== undefined;

describe("e2e: crash safety and control of a rollout", function () {
  this.timeout(300_000);
  let project: TestProject;


  function release(bake: string): Partial<StackConfigInput> {
    return {
      active: "green",
      traffic: undefined,
      slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } },
      rollout: { strategy: "canary", steps: [20, 50, 100], bake },
      analysis: { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 1 }] },
    };
  }

  beforeEach(async () => {
    project = await createTestProject("e2e-control");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await project.cli("deploy");
    assert.equal(first.code, 0, first.stderr);
  });
  afterEach(async () => {
    await project?.cleanup();
  });

  it("resumes from its step after the driver is killed (SIGKILL) during a bake", async () => {
    project.writeConfig(release("4s"));
    const driver = project.cliInBackground("deploy", "--json");
    const atKill = await project.waitForRecord(bakingAt(1));
    driver.child.kill("SIGKILL");
    await driver.done;
    // Traffic is where the record (and state) says: no weight the state does not know.
    assert.deepEqual(await project.liveWeights(), atKill.weights);
    assert.deepEqual(atKill.weights, { blue: 50, green: 50 });

    const status = await project.cli("status", "--json");
    assert.equal(status.code, 0, status.stderr);
    const statusReport = JSON.parse(status.stdout) as { summary: { message: string }; next_steps: string[] };
    assert.match(statusReport.summary.message, /no driver is running \(deploy resumes it\)/);
    assert.deepEqual(statusReport.next_steps, [`switchyard deploy --stack ${project.stackName}`, `switchyard abort --stack ${project.stackName}`]);

    const resumed = await project.cli("deploy", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const report = JSON.parse(resumed.stdout);
    assert.equal(report.summary.deployment_id, atKill.id, "the same rollout went on");
    assert.deepEqual(report.steps.map((s: { status: string }) => s.status), ["done", "done", "done"]);
    const record = (await project.rolloutRecord())!;
    assert.equal(record.steps[0]!.startedAt, atKill.steps[0]!.startedAt, "step 1 was not run again");
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
  });

  it("a second deploy while one is driving fails at once and changes nothing", async () => {
    project.writeConfig(release("30s"));
    const driver = project.cliInBackground("deploy");
    const during = await project.waitForRecord(bakingAt(0));
    const second = await project.cli("deploy");
    assert.equal(second.code, 1);
    assert.match(second.stderr, /is locked: rollout r-\w+ is in progress, driven by .+ pid \d+/);
    const after = (await project.rolloutRecord())!;
    assert.equal(after.stepIndex, during.stepIndex);
    assert.deepEqual(after.weights, during.weights);
    const aborted = await project.cli("abort");
    assert.equal(aborted.code, 3, aborted.stderr);
    assert.equal((await driver.done).code, 3);
  });

  it("pause, resume, promote and abort work from other processes", async () => {
    project.writeConfig(release("60s"));
    const first = project.cliInBackground("deploy");
    await project.waitForRecord(bakingAt(0));

    const paused = await project.cli("pause");
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal((await first.done).code, 4, "the deploy that was paused exits 4");
    assert.equal((await project.rolloutRecord())!.status, "paused");
    assert.deepEqual(await project.liveWeights(), { blue: 80, green: 20 }, "a pause holds the weights");

    const resumed = project.cliInBackground("resume");
    await project.waitForRecord(bakingAt(0));
    const promoted = await project.cli("promote");
    assert.equal(promoted.code, 0, promoted.stderr);
    await project.waitForRecord(bakingAt(1));
    assert.deepEqual(await project.liveWeights(), { blue: 50, green: 50 }, "promote moved on to the next step");

    const aborted = await project.cli("abort");
    assert.equal(aborted.code, 3, aborted.stderr);
    const driver = await resumed.done;
    assert.equal(driver.code, 3, driver.stderr);
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    const record = (await project.rolloutRecord())!;
    assert.equal(record.status, "rolled-back");
    assert.deepEqual(record.rollbackTriggers, ["aborted by request"]);
  });
});
