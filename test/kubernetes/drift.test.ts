/**
 * `drift` and `status` of the `kubernetes` target after changes made behind Pulumi's back, as
 * `kubectl` makes them (each with its own field manager): the HTTPRoute's weights edited, a
 * Deployment's image set, a Service and a Deployment deleted. The engine's refresh reads the
 * objects through the real provider, status reads them through the API server; `drift --fix
 * revert` must put them back, read back from the API server.
 */
import assert from "node:assert/strict";
import { startKubeCluster, type KubeCluster } from "../support/kube-cluster";
import { createKubeProject, IMAGE, type KubeProject } from "../support/kube-project";

interface Item {
  readonly class: string;
  readonly resource: string;
  readonly type: string;
  readonly property?: string;
  readonly operation?: string;
  readonly state_value?: unknown;
  readonly found_value?: unknown;
}

const ENDPOINT = "switchyard:data-plane:Endpoint";

describe("kubernetes target: drift and status after out-of-band edits", function () {
  this.timeout(900_000);
  let cluster: KubeCluster;
  let project: KubeProject;

  before(async function () {
    cluster = await startKubeCluster({ context: "kind-switchyard" });
    project = await createKubeProject("drift", cluster);
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr.slice(-3000));
  });

  after(async function () {
    await project?.cleanup();
    await cluster?.stop();
  });

  const api = (path: string) => `/namespaces/${project.namespace}/${path}`;
  const drift = async (...args: string[]) => {
    const result = await project.cli("drift", "--json", ...args);
    const report = JSON.parse(result.stdout) as { items: Item[]; summary: { status: string; exit_code: number } };
    return { code: result.code, report, stderr: result.stderr, drifted: report.items.filter((i) => i.class === "drift" && i.type !== ENDPOINT) };
  };
  const status = async () => {
    const result = await project.cli("status", "--json");
    const report = JSON.parse(result.stdout) as { health: { verdict: string; problems: { subject: string; message: string }[]; live_weights?: unknown } };
    return { code: result.code, health: report.health, problems: report.health.problems.map((p) => `${p.subject}: ${p.message}`) };
  };

  it("finds nothing right after a deploy: what the API server writes itself is not drift", async function () {
    const { code, report } = await drift();
    assert.equal(code, 0, JSON.stringify(report.items));
    assert.deepEqual(report.items.filter((i) => i.class !== "ignored"), []);
  });

  it("the route's weights edited, an image set and a Service deleted by hand: drift exits 2 naming each, status is not healthy naming each", async function () {
    const patch = (path: string, body: unknown, manager: string, type = "application/merge-patch+json") => cluster.request("PATCH", `${path}?fieldManager=${manager}`, body, type);
    const route = await patch(
      `/apis/gateway.networking.k8s.io/v1${api("httproutes/hello-traffic")}`,
      { spec: { rules: [{ backendRefs: [{ name: "hello-blue", port: 80, weight: 50 }, { name: "hello-green", port: 80, weight: 50 }] }] } },
      "kubectl-edit",
    );
    assert.equal(route.status, 200, JSON.stringify(route.body));
    const image = await patch(`/apis/apps/v1${api("deployments/hello-blue")}`, { spec: { template: { spec: { containers: [{ name: "hello", image: `${IMAGE}:6.6.6` }] } } } }, "kubectl-set", "application/strategic-merge-patch+json");
    assert.equal(image.status, 200, JSON.stringify(image.body));
    assert.equal((await cluster.request("DELETE", `/api/v1${api("services/hello-green")}`)).status, 200);

    const { code, drifted } = await drift();
    assert.equal(code, 2);
    const named = drifted.map((i) => [i.resource, i.property ?? i.operation, i.state_value, i.found_value]);
    assert.deepEqual(
      named.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
      [
        ["hello-blue", "spec.template.spec.containers[0].image", `${IMAGE}:1.0.0`, `${IMAGE}:6.6.6`],
        ["hello-green-service", "delete", undefined, undefined],
        ["hello-traffic-route", "spec.rules[0].backendRefs[0].weight", 100, 50],
        ["hello-traffic-route", "spec.rules[0].backendRefs[1].weight", 0, 50],
      ],
      "each edit named, and nothing the API server wrote itself",
    );

    const health = await status();
    assert.equal(health.code, 5);
    assert.notEqual(health.health.verdict, "healthy");
    assert.deepEqual(health.health.live_weights, { blue: 50, green: 50 }, "read from the route, not from state");
    const expect = [
      /^weights: the data plane serves blue 50% \/ green 50%, state records blue 100% \/ green 0%/,
      new RegExp(`^blue: the Deployment ${project.namespace}/hello-blue runs ${IMAGE}:6\\.6\\.6, state records version 1\\.0\\.0`),
      new RegExp(`^green: the Service ${project.namespace}/hello-green is gone from the cluster`),
    ];
    for (const pattern of expect) assert.ok(health.problems.some((p) => pattern.test(p)), `${pattern} not in ${JSON.stringify(health.problems, null, 1)}`);
  });

  it("drift --fix revert puts each back, as the API server then reports; drift is clean and status healthy after", async function () {
    const { code, report, stderr } = await drift("--fix", "revert", "--yes");
    assert.equal(code, 0, stderr.slice(-3000));
    assert.equal(report.summary.status, "reverted");
    assert.deepEqual(await project.routeWeights(), { blue: 100, green: 0 });
    const blue = await project.deployment("blue");
    assert.equal(blue.spec.template.spec.containers[0].image, `${IMAGE}:1.0.0`);
    const green = await project.service("green");
    assert.ok(green, "the Service hello-green is back");
    assert.deepEqual(green.spec.selector, { app: "hello", slot: "green" });
    await cluster.waitFor("hello-blue to be ready at 1.0.0 again", async () => {
      const d = await project.deployment("blue");
      return d.status?.updatedReplicas === 2 && d.status?.readyReplicas === 2 && d.status?.observedGeneration === d.metadata.generation ? true : undefined;
    });

    const after = await drift();
    assert.equal(after.code, 0, JSON.stringify(after.report.items));
    const health = await status();
    assert.equal(health.health.verdict, "healthy", JSON.stringify(health.problems));
  });

  it("a Deployment deleted by hand: status is not healthy naming it, drift names it, revert recreates it", async function () {
    assert.equal((await cluster.request("DELETE", `/apis/apps/v1${api("deployments/hello-blue")}`)).status, 200);
    const health = await status();
    assert.equal(health.code, 5);
    assert.notEqual(health.health.verdict, "healthy");
    assert.ok(
      health.problems.some((p) => p.startsWith(`blue: the Deployment ${project.namespace}/hello-blue is gone from the cluster: it should serve 100% of traffic`)),
      JSON.stringify(health.problems, null, 1),
    );

    const { code, drifted } = await drift();
    assert.equal(code, 2);
    assert.deepEqual(drifted.map((i) => [i.resource, i.operation]), [["hello-blue", "delete"]]);

    const fixed = await drift("--fix", "revert", "--yes");
    assert.equal(fixed.code, 0, fixed.stderr.slice(-3000));
    const blue = await project.deployment("blue");
    assert.ok(blue, "hello-blue is back");
    assert.equal(blue.status?.readyReplicas, 2, "the revert waited for it to be ready");
    assert.equal((await status()).health.verdict, "healthy");
  });
});
