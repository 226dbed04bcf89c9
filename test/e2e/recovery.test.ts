/**
 * Crash safety of the whole driver: SIGKILL of the engine during an update, of the driver during
 * a step update and during a rollback. Afterwards status is consistent, recover and deploy
 * complete, traffic ends at 100% on a slot that state records, and no release is lost.
 */
import assert from "node:assert/strict";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject, type TestProject } from "../support/project";
import { waitForEngineUpdate, waitForLockFile } from "../support/engine-process";

describe("e2e: recovery after SIGKILL", function () {
  this.timeout(400_000);
  let project: TestProject;

  const release = (green: { version: string; failureRate?: number }, analysis = false): Partial<StackConfigInput> => ({
    active: "green",
    traffic: undefined,
    slots: { blue: { version: "1.0.0" }, green },
    rollout: { strategy: "canary", steps: [50, 100], bake: "1s" },
    analysis: analysis ? { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "500ms", count: 2 }] } : undefined,
  });

  async function state() {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    return { live: await project.liveWeights(), recorded: outputs.weights!.value };
  }

  async function releaseCount() {
    const result = await project.cli("releases", "--json");
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout).releases.length as number;
  }

  beforeEach(async () => {
    project = await createTestProject("e2e-recovery");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await project.cli("deploy");
    assert.equal(first.code, 0, first.stderr);
  });
  afterEach(async () => {
    await project?.cleanup();
  });

  it("SIGKILL of the engine during a step update: recover removes its lock, deploy finishes the rollout", async () => {
    project.writeConfig(release({ version: "2.0.0" }));
    const driver = project.cliInBackground("deploy");
    const engine = await waitForEngineUpdate(project.stackName, { targeted: true });
    await waitForLockFile(project.env.PULUMI_BACKEND_URL!, "switchyard", project.stackName);
    process.kill(engine, "SIGKILL");
    const failed = await driver.done;
    assert.equal(failed.code, 1, "the driver reports the failed engine run");

    const status = await project.cli("status", "--json");
    assert.equal(status.code, 0, status.stderr);
    assert.match(JSON.parse(status.stdout).summary.message, /running at step 1\/2, no driver is running/);

    const recovered = await project.cli("recover", "--json");
    assert.equal(recovered.code, 0, recovered.stderr);
    const actions: string[] = JSON.parse(recovered.stdout).actions;
    assert.ok(actions.some((a) => /removed the lock left by .+ pid \d+, which no longer runs/.test(a)), JSON.stringify(actions));

    const resumed = await project.cli("deploy", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = await state();
    assert.deepEqual(after.live, { blue: 0, green: 100 });
    assert.deepEqual(after.recorded, after.live, "traffic is where state says");
    assert.equal(await releaseCount(), 2);
  });

  it("SIGKILL of the driver during a step update: the next deploy resumes and completes", async () => {
    project.writeConfig(release({ version: "2.0.0" }));
    const driver = project.cliInBackground("deploy");
    await waitForEngineUpdate(project.stackName, { targeted: true });
    driver.child.kill("SIGKILL");
    await driver.done;
    const resumed = await project.cli("deploy", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = await state();
    assert.deepEqual(after.live, { blue: 0, green: 100 });
    assert.deepEqual(after.recorded, after.live);
    assert.equal(await releaseCount(), 2);
  });

  it("SIGKILL of the driver during a rollback: the next deploy finishes it, exit 3, traffic on stable", async () => {
    project.writeConfig(release({ version: "6.6.6", failureRate: 1 }, true));
    const driver = project.cliInBackground("deploy");
    await project.waitForRecord((r) => r.rollingBack !== undefined);
    driver.child.kill("SIGKILL");
    await driver.done;
    const finished = await project.cli("deploy", "--json");
    assert.equal(finished.code, 3, finished.stderr);
    assert.equal(JSON.parse(finished.stdout).summary.status, "rolled-back");
    const after = await state();
    assert.deepEqual(after.live, { blue: 100, green: 0 });
    assert.deepEqual(after.recorded, after.live);
    assert.equal(await releaseCount(), 1, "the failed release is not a release; the first one is kept");
  });

  it("keeps a state checkpoint before every deploy and restores one (state only)", async () => {
    const again = await project.cli("deploy");
    assert.equal(again.code, 0, again.stderr);
    const listed = await project.cli("checkpoints", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    const { checkpoints } = JSON.parse(listed.stdout);
    assert.equal(checkpoints.length, 1, "the deploy of a stack with state kept one (the first deploy had none to keep)");
    assert.equal(checkpoints[0].resources, 8);
    const restored = await project.cli("recover", "--checkpoint", "latest");
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /This restores state only: nothing in the cloud changed/);
    const unknown = await project.cli("recover", "--checkpoint", "nope");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no checkpoint nope/);
  });
});
