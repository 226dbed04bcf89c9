/**
 * The `kubernetes` target through the real Pulumi Kubernetes provider and a real API server (the
 * test cluster of test/support/kube-cluster.ts): a deploy creates what the stack file asks for, a
 * canary moves the HTTPRoute's weights step by step through the driver, abort and rollback put
 * the earlier release back. Everything is read back from the API server, as `kubectl get` would,
 * never from state. Pods are simulated (kwok), and so is the Gateway's data plane: no container
 * runs and no request reaches an application.
 */
import assert from "node:assert/strict";
import { startKubeCluster, type KubeCluster } from "../support/kube-cluster";
import { createKubeProject, IMAGE, type KubeProject } from "../support/kube-project";
import { whileWatched } from "../support/kube-watch";
import type { Slot } from "../../model/weights";

describe("kubernetes target: deploy, canary, abort and rollback through the real provider", function () {
  this.timeout(900_000);
  let cluster: KubeCluster;
  let project: KubeProject;

  before(async function () {
    cluster = await startKubeCluster({ context: "kind-switchyard" });
    project = await createKubeProject("release", cluster);
  });

  after(async function () {
    await project?.cleanup();
    await cluster?.stop();
  });

  const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

  /** A slot's Deployment as the API server reports it: ready, at the image of `version`. */
  async function assertSlotRuns(slot: Slot, version: string, replicas = 2) {
    const deployment = await project.deployment(slot);
    assert.ok(deployment, `the Deployment hello-${slot} exists`);
    assert.equal(deployment.spec.replicas, replicas, `hello-${slot} replicas`);
    assert.equal(deployment.spec.template.spec.containers[0].image, `${IMAGE}:${version}`, `hello-${slot}'s image`);
    assert.equal(deployment.spec.template.metadata.labels.version, version);
    assert.equal(deployment.status?.readyReplicas ?? 0, replicas, `hello-${slot} has ${replicas} ready replicas`);
  }

  it("deploy creates each slot's Deployment and Service and the HTTPRoute, as the API server reports them; status is healthy", async function () {
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr.slice(-3000) + result.stdout.slice(0, 3000));
    for (const [slot, version] of [["blue", "1.0.0"], ["green", "1.1.0"]] as const) {
      await assertSlotRuns(slot, version);
      const deployment = await project.deployment(slot);
      assert.deepEqual(deployment.spec.selector.matchLabels, { app: "hello", slot });
      assert.equal(deployment.metadata.annotations["pulumi.com/patchForce"], "true");
      const service = await project.service(slot);
      assert.ok(service, `the Service hello-${slot} exists`);
      assert.deepEqual(service.spec.selector, { app: "hello", slot });
      assert.deepEqual(service.spec.ports.map((p: any) => [p.port, p.targetPort]), [[80, 8080]]);
    }
    const route = await project.route();
    assert.ok(route, "the HTTPRoute exists");
    assert.deepEqual(route.spec.parentRefs.map((p: any) => [p.name, p.namespace]), [["gw-release", "gateway-system"]]);
    assert.deepEqual(route.spec.hostnames, ["localhost"]);
    assert.deepEqual(route.spec.rules[0].backendRefs.map((r: any) => [r.name, r.port, r.weight]), [["hello-blue", 80, 100], ["hello-green", 80, 0]]);
    assert.equal(route.status.parents[0].conditions.find((c: any) => c.type === "Accepted").status, "True");

    const status = await project.cli("status", "--json");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const report = json(status.stdout);
    assert.equal(report.health.verdict, "healthy", JSON.stringify(report.health));
    assert.deepEqual(report.health.live_weights, { blue: 100, green: 0 }, "read back from the route");
  });

  it("a canary through the driver: while each step bakes the route carries the record's weights, read from the API server; green is ready before it gets any", async function () {
    project.writeConfig({ active: "green", rollout: { steps: [10, 50, 100], bake: "3s" } });
    const { result, seen } = await whileWatched(project, () => project.cli("deploy", "--json"), { record: true });
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const record = (await project.rolloutRecord())!;
    assert.equal(record.status, "succeeded");
    assert.deepEqual(seen.bakingMismatches, []);
    assert.deepEqual([...seen.stepsSeen.keys()].sort(), [0, 1, 2], `every step was sampled while it baked (${seen.samples.length} samples)`);
    assert.deepEqual([...seen.stepsSeen.values()], [{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }]);
    assert.deepEqual(seen.routeSequence, [{ blue: 100, green: 0 }, { blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }], "the route moved step by step, nowhere else");
    assert.deepEqual(seen.weightOnNothing, []);
    assert.deepEqual(record.weights, { blue: 0, green: 100 });
    await assertSlotRuns("green", "1.1.0");
    await assertSlotRuns("blue", "1.0.0");
    assert.deepEqual((await project.service("green")).spec.selector, { app: "hello", slot: "green" });

    const status = json((await project.cli("status", "--json")).stdout);
    assert.equal(status.health.verdict, "healthy", JSON.stringify(status.health));
    assert.deepEqual(status.health.live_weights, { blue: 0, green: 100 });
  });

  it("abort during a step: all traffic back on the stable slot, then the release before it again (exit 3)", async function () {
    project.writeConfig({ active: "blue", slots: { blue: { version: "1.2.0" }, green: { version: "1.1.0" } }, rollout: { steps: [20, 60, 100], bake: "120s" } });
    const driver = project.cliInBackground("deploy", "--json");
    try {
      const baking = await project.waitForRecord((r) => r.status === "running" && r.steps[0]?.phase === "baking", 300_000);
      assert.deepEqual(baking.weights, { blue: 20, green: 80 });
      assert.deepEqual(await project.routeWeights(), { blue: 20, green: 80 }, "the first step is on the route");
      await assertSlotRuns("blue", "1.2.0");
      const aborted = await project.cli("abort");
      assert.equal(aborted.code, 3, aborted.stdout + aborted.stderr);
    } finally {
      const done = await driver.done;
      assert.equal(done.code, 3, done.stderr.slice(-2000));
    }
    assert.deepEqual(await project.routeWeights(), { blue: 0, green: 100 });
    assert.equal((await project.rolloutRecord())!.status, "rolled-back");
    // The release before the aborted one: blue back at 1.0.0 (idle), green 1.1.0 serving.
    await assertSlotRuns("blue", "1.0.0");
    await assertSlotRuns("green", "1.1.0");
  });

  it("rollback re-applies the release before the current one: blue 1.0.0 serves all, read back from the API server", async function () {
    const { result, seen } = await whileWatched(project, () => project.cli("rollback", "--json"));
    assert.equal(result.code, 0, result.stderr.slice(-3000) + result.stdout.slice(0, 2000));
    assert.deepEqual(await project.routeWeights(), { blue: 100, green: 0 });
    await assertSlotRuns("blue", "1.0.0");
    await assertSlotRuns("green", "1.1.0");
    assert.deepEqual(seen.weightOnNothing, []);
    const status = json((await project.cli("status", "--json")).stdout);
    assert.equal(status.health.verdict, "healthy", JSON.stringify(status.health));
    assert.deepEqual(status.health.live_weights, { blue: 100, green: 0 });
  });
});
