/**
 * The driver's scale-down, through the real engine and the driver's own runner, on a cloud-shaped
 * target: a simulated load balancer whose listener splits traffic between two slots' services,
 * each with a capacity, and which refuses weight on a slot with no capacity (and scaling a slot
 * to 0 while it has weight). Its program builds from Switchyard's config the way every cloud
 * target does (runInputs, slotCapacities). A release, an abort inside the scale-down delay and a
 * rollback after the scale-down must never put weight on zero capacity: the cloud logs every call
 * and the state it left, and refuses the bad ones.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { planOf } from "../../model/config/rollout";
import type { StackConfigInput } from "../../model/config/stack";
import { otherSlot, SLOTS, type Slot } from "../../model/weights";
import { releaseIntentOf } from "../../automation/rollout/driver-status";
import { newRolloutRecord, ROLLOUT_KEY, type RolloutRecord } from "../../automation/rollout/record";
import { openRolloutSession, type RolloutSession } from "../../automation/rollout/session";
import { readStackConfigValues } from "../../automation/stack-file";
import { RevisionConflictError } from "../../automation/store/document-store";
import { readBackWeights, readCloud, type CloudState } from "../support/simulated-cloud/cloud";
import { SIMULATED_CAPACITY, simulatedCloudProgram } from "../support/simulated-cloud/program";
import { createTestProject, type TestProject } from "../support/project";

type Versions = Record<Slot, string>;

describe("engine: the driver's scale-down on a cloud-shaped target", function () {
  this.timeout(600_000);
  let project: TestProject;
  let cloudFile: string;
  const savedEnv: Record<string, string | undefined> = {};

  /** The driver runs in this process here: it reads the backend and passphrase from its environment. */
  const useProjectEnv = () => {
    for (const key of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"]) {
      savedEnv[key] = process.env[key];
      process.env[key] = project.env[key];
    }
  };

  const openSession = () =>
    openRolloutSession({ stack: project.stackName, json: true, yes: true, workDir: project.workDir, progress: () => {} }, { program: simulatedCloudProgram(cloudFile) });

  const writeRelease = (versions: Versions, active: Slot, rollout: StackConfigInput["rollout"]) =>
    project.writeConfig({ active, traffic: undefined, slots: { blue: { version: versions.blue }, green: { version: versions.green } }, rollout });

  /** What a deploy of the stack file's release starts: a blue-green record, as `deploy` writes it. */
  async function startRelease(session: RolloutSession) {
    const outputs = await session.outputs();
    const canary = session.config.active!;
    const stable = otherSlot(canary);
    const running = { blue: outputs.slots!.blue.version, green: outputs.slots!.green.version };
    const record = newRolloutRecord({
      stack: project.stackName,
      service: session.config.service,
      strategy: "blue-green",
      stableSlot: stable,
      canarySlot: canary,
      stableVersion: running[stable],
      canaryVersion: session.config.slots[canary].version,
      plan: planOf(session.config.rollout),
      weights: outputs.weights!,
      priorConfig: { slots: { blue: { version: running.blue }, green: { version: running.green } }, active: stable },
      intent: { ...releaseIntentOf(readStackConfigValues(project.workDir, project.stackName)) },
      scaleDownAfterSeconds: session.config.rollout.scaleDownDelay / 1000,
    });
    const existing = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
    return session.store.put(ROLLOUT_KEY, record, existing?.revision ?? 0);
  }

  /** What `abort` in another terminal does while a driver runs: a request in the record. */
  async function requestAbort(session: RolloutSession) {
    for (;;) {
      const doc = (await session.store.get<RolloutRecord>(ROLLOUT_KEY))!;
      try {
        await session.store.put(ROLLOUT_KEY, { ...doc.value, request: { action: "abort", at: new Date().toISOString() } }, doc.revision);
        return;
      } catch (error) {
        if (!(error instanceof RevisionConflictError)) throw error;
      }
    }
  }

  /** Every state the cloud went through: none with weight on a slot without capacity, nothing refused. */
  function assertNeverWeightOnNothing(cloud: CloudState, since: number) {
    assert.deepEqual(cloud.refused, [], "the cloud refused calls");
    for (const call of cloud.calls.slice(since)) {
      for (const slot of SLOTS) {
        const weight = call.after.weights?.[slot] ?? 0;
        assert.ok(weight === 0 || call.after.capacity[slot] > 0, `after ${call.op} ${call.slot ?? ""}: ${weight}% on ${slot} with capacity ${call.after.capacity[slot]}`);
      }
    }
  }

  const capacityNow = () => {
    const cloud = readCloud(cloudFile);
    return { blue: cloud.services.blue?.capacity, green: cloud.services.green?.capacity };
  };

  before(async () => {
    project = await createTestProject("cloud-scale-down");
    cloudFile = path.join(project.workDir, "cloud.json");
    useProjectEnv();
    writeRelease({ blue: "1.0.0", green: "1.0.0" }, "blue", { strategy: "blue-green", bake: "500ms", scaleDownDelay: "1s" });
    const session = await openSession();
    await session.applyAll();
    assert.deepEqual(readBackWeights(cloudFile), { blue: 100, green: 0 });
  });
  after(async () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await project?.cleanup();
  });

  it("a release switches to the new slot, then scales the old one to 0 only once its weight is 0", async () => {
    writeRelease({ blue: "1.0.0", green: "2.0.0" }, "green", { strategy: "blue-green", bake: "500ms", scaleDownDelay: "1s" });
    const since = readCloud(cloudFile).calls.length;
    const session = await openSession();
    const outcome = await session.runner(await startRelease(session), () => {}).run();
    assert.equal(outcome, "succeeded");
    const cloud = readCloud(cloudFile);
    assertNeverWeightOnNothing(cloud, since);
    assert.deepEqual(readBackWeights(cloudFile), { blue: 0, green: 100 });
    assert.deepEqual(capacityNow(), { blue: 0, green: SIMULATED_CAPACITY });
    const calls = cloud.calls.slice(since).map((c) => (c.op === "listener" ? `listener ${c.weights!.green}% green` : `${c.op} ${c.slot} ${c.capacity}`));
    assert.deepEqual(calls.slice(-2), ["listener 100% green", "service blue 0"], `the switch, then the scale-down: ${calls.join("; ")}`);
  });

  it("a release after the scale-down brings the old slot back before any weight moves; an abort inside the delay switches back to a slot that is still up", async () => {
    writeRelease({ blue: "3.0.0", green: "2.0.0" }, "blue", { strategy: "blue-green", bake: "500ms", scaleDownDelay: "60s" });
    const since = readCloud(cloudFile).calls.length;
    const session = await openSession();
    const running = session.runner(await startRelease(session), () => {}).run();
    await project.waitForRecord((r) => r.status === "running" && r.holdStartedAt !== undefined && !r.scaledDownAt);
    assert.deepEqual(readBackWeights(cloudFile), { blue: 100, green: 0 }, "switched to blue, holding green up");
    assert.deepEqual(capacityNow(), { blue: SIMULATED_CAPACITY, green: SIMULATED_CAPACITY });
    await requestAbort(session);
    assert.equal(await running, "rolled-back");
    const cloud = readCloud(cloudFile);
    assertNeverWeightOnNothing(cloud, since);
    assert.deepEqual(readBackWeights(cloudFile), { blue: 0, green: 100 });
    assert.equal(cloud.services.green?.capacity, SIMULATED_CAPACITY, "green was never scaled down");
    const first = cloud.calls.slice(since).map((c) => (c.op === "listener" ? `listener ${c.weights!.blue}% blue` : `${c.op} ${c.slot} ${c.capacity}`));
    assert.equal(first[0], `service blue ${SIMULATED_CAPACITY}`, `blue came back first: ${first.join("; ")}`);
  });

  it("a rollback after the scale-down brings the release's slot back before traffic moves to it", async () => {
    // Green serves 2.0.0 (the abort kept it). A good release of blue 5.0.0, whose scale-down takes green to 0...
    writeRelease({ blue: "5.0.0", green: "2.0.0" }, "blue", { strategy: "blue-green", bake: "500ms", scaleDownDelay: "1s" });
    let session = await openSession();
    assert.equal(await session.runner(await startRelease(session), () => {}).run(), "succeeded");
    assert.deepEqual(capacityNow(), { blue: SIMULATED_CAPACITY, green: 0 });
    // ...then a rollback to the release that served green 2.0.0, as `rollback` starts it.
    const since = readCloud(cloudFile).calls.length;
    session = await openSession();
    const outputs = await session.outputs();
    const release = { slots: { blue: { version: "5.0.0" }, green: { version: "2.0.0" } }, active: "green" };
    const record = newRolloutRecord({
      kind: "rollback",
      release,
      finalConfig: release,
      intent: { ...releaseIntentOf(readStackConfigValues(project.workDir, project.stackName)) },
      stack: project.stackName,
      service: session.config.service,
      strategy: "all-at-once",
      stableSlot: "blue",
      canarySlot: "green",
      stableVersion: outputs.slots!.blue.version,
      canaryVersion: "2.0.0",
      plan: [{ kind: "shift", weight: 100, bakeSeconds: 0, analysis: false }],
      weights: outputs.weights!,
      priorConfig: { slots: { blue: { version: "5.0.0" }, green: { version: "2.0.0" } }, active: "blue" },
    });
    const existing = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
    const doc = await session.store.put(ROLLOUT_KEY, record, existing?.revision ?? 0);
    assert.equal(await session.runner(doc, () => {}).run(), "succeeded");
    const cloud = readCloud(cloudFile);
    assertNeverWeightOnNothing(cloud, since);
    assert.deepEqual(readBackWeights(cloudFile), { blue: 0, green: 100 });
    assert.equal(cloud.services.green?.version, "2.0.0");
    const calls = cloud.calls.slice(since).map((c) => (c.op === "listener" ? `listener ${c.weights!.green}% green` : `${c.op} ${c.slot} ${c.capacity}`));
    const up = calls.indexOf(`service green ${SIMULATED_CAPACITY}`);
    assert.ok(up >= 0 && up < calls.indexOf("listener 100% green"), `green came back before its traffic: ${calls.join("; ")}`);
  });

  it("weight asked for on a scaled-down slot fails the engine update before the cloud is called", async () => {
    // Green serves; blue (5.0.0) is idle and up. Scale it down, then ask for weight on it.
    const session = await openSession();
    // The backend's status keeps the rolled-back-to release in service (the file still asks for blue 5.0.0 active).
    const status = await session.opened.driverStatus();
    assert.ok(status?.release, "the rollback's release is the driver's status");
    await session.applyAll({ status: { ...status, scaledDown: "blue" } });
    assert.equal(capacityNow().blue, 0);
    const calls = readCloud(cloudFile).calls.length;
    await assert.rejects(session.applyAll({ status: { ...status, scaledDown: "blue", weights: { blue: 50, green: 50 } } }), /blue slot is scaled down but would take 50% of traffic/);
    assert.deepEqual(readBackWeights(cloudFile), { blue: 0, green: 100 }, "nothing moved");
    assert.equal(readCloud(cloudFile).calls.length, calls, "the cloud was not called");
  });
});
