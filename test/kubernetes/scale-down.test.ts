/**
 * The driver's scale-down of the idle slot on the `kubernetes` target, through the real provider:
 * after a blue-green switch and its scaleDownDelay the old slot's Deployment goes to 0 replicas.
 * The route's weights and both Deployments are sampled from the API server throughout a release,
 * an abort inside the delay and a rollback after the scale-down: no sample may show weight on a
 * slot that has no ready replica (the scaled-down slot must be back and ready before it gets any).
 */
import assert from "node:assert/strict";
import { startKubeCluster, type KubeCluster } from "../support/kube-cluster";
import { createKubeProject, IMAGE, type KubeProject } from "../support/kube-project";
import { whileWatched, type KubeWatch } from "../support/kube-watch";
import type { Slot } from "../../model/weights";

describe("kubernetes target: scale-down of the idle slot never under traffic", function () {
  this.timeout(900_000);
  let cluster: KubeCluster;
  let project: KubeProject;
  const blueGreen = { strategy: "blue-green" as const, bake: "1s", scaleDownDelay: "2s" };

  before(async function () {
    cluster = await startKubeCluster({ context: "kind-switchyard" });
    project = await createKubeProject("scale", cluster);
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr.slice(-3000));
  });

  after(async function () {
    await project?.cleanup();
    await cluster?.stop();
  });

  const replicas = async (slot: Slot) => (await project.deployment(slot)).spec.replicas as number;
  const image = async (slot: Slot) => (await project.deployment(slot)).spec.template.spec.containers[0].image as string;
  const noWeightOnNothing = (seen: KubeWatch) => {
    assert.ok(seen.samples.length >= 10, `the watcher sampled ${seen.samples.length} times`);
    assert.deepEqual(seen.weightOnNothing, [], "weight on a slot with no ready replica");
  };

  it("a blue-green release switches 0 -> 100, then scales the old slot's Deployment to 0 replicas", async function () {
    project.writeConfig({ active: "green", rollout: blueGreen });
    const { result, seen } = await whileWatched(project, () => project.cli("deploy", "--json"));
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    assert.deepEqual(await project.routeWeights(), { blue: 0, green: 100 });
    assert.deepEqual(seen.routeSequence, [{ blue: 100, green: 0 }, { blue: 0, green: 100 }], "one switch");
    assert.equal(await replicas("blue"), 0, "blue scaled down");
    assert.equal(await replicas("green"), 2);
    assert.ok(seen.sawScaledDown.has("blue"));
    noWeightOnNothing(seen);
    const status = JSON.parse((await project.cli("status", "--json")).stdout);
    assert.equal(status.health.verdict, "healthy", JSON.stringify(status.health));
  });

  it("the next release brings the scaled-down slot back before it gets traffic; an abort inside the delay switches back to the old slot, still up", async function () {
    project.writeConfig({ active: "blue", slots: { blue: { version: "2.0.0" }, green: { version: "1.1.0" } }, rollout: { ...blueGreen, scaleDownDelay: "120s" } });
    const { result, seen } = await whileWatched(project, async () => {
      const driver = project.cliInBackground("deploy", "--json");
      try {
        await project.waitForRecord((r) => r.status === "running" && r.holdStartedAt !== undefined && !r.scaledDownAt, 300_000);
        assert.deepEqual(await project.routeWeights(), { blue: 100, green: 0 }, "switched, holding the old slot");
        assert.equal(await replicas("green"), 2, "the old slot is still up during the delay");
        assert.equal(await image("blue"), `${IMAGE}:2.0.0`);
        return { aborted: await project.cli("abort"), deployed: await driver.done };
      } catch (error) {
        driver.child.kill("SIGKILL");
        await driver.done;
        throw error;
      }
    });
    assert.equal(result.aborted.code, 3, result.aborted.stderr.slice(-2000));
    assert.equal(result.deployed.code, 3, result.deployed.stderr.slice(-2000));
    assert.deepEqual(await project.routeWeights(), { blue: 0, green: 100 });
    assert.equal(await replicas("green"), 2);
    assert.ok(seen.routeSequence.some((w) => w.blue === 100), "blue served before the abort");
    noWeightOnNothing(seen);
  });

  it("a rollback after the scale-down brings the old release's slot back before any weight moves", async function () {
    project.writeConfig({ active: "blue", slots: { blue: { version: "3.0.0" }, green: { version: "1.1.0" } }, rollout: blueGreen });
    const released = await project.cli("deploy", "--json");
    assert.equal(released.code, 0, released.stderr.slice(-3000));
    assert.equal(await replicas("green"), 0, "green was scaled down");
    const { result, seen } = await whileWatched(project, () => project.cli("rollback", "--json"));
    assert.equal(result.code, 0, result.stderr.slice(-3000) + result.stdout.slice(0, 2000));
    assert.deepEqual(await project.routeWeights(), { blue: 0, green: 100 });
    assert.equal(await replicas("green"), 2);
    assert.equal(await image("green"), `${IMAGE}:1.1.0`);
    assert.ok(seen.routeSequence.some((w) => w.blue === 100) && seen.routeSequence.at(-1)!.green === 100, JSON.stringify(seen.routeSequence));
    noWeightOnNothing(seen);
  });
});
