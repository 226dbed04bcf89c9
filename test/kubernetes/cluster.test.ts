/**
 * The Kubernetes suite's test cluster (test/support/kube-cluster.ts) is real: etcd,
 * kube-apiserver, kube-controller-manager and kube-scheduler built by set-up, on loopback, with
 * the Gateway API CRDs installed and kwok simulating a node. What the engine tests of the
 * `kubernetes` target rely on is checked here first: the version the Pulumi provider is told, the
 * CRDs' schema validation done by the API server itself, and Deployments that become Available
 * without a kubelet.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { startKubeCluster, type KubeCluster } from "../support/kube-cluster";

const NAMESPACE = "cluster-test";

function condition(object: any, type: string): string | undefined {
  return object?.status?.conditions?.find((c: { type: string }) => c.type === type)?.status;
}

describe("Kubernetes test cluster (real API server, Gateway API CRDs, kwok)", function () {
  let cluster: KubeCluster;

  before(async function () {
    this.timeout(300_000);
    cluster = await startKubeCluster();
    const created = await cluster.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
  });

  it("serves /version as v1.37.2, and writes a kubeconfig that names it with the admin's token", async function () {
    const version = await cluster.request("GET", "/version");
    assert.equal(version.status, 200);
    assert.equal(version.body.gitVersion, "v1.37.2");
    assert.equal(version.body.major, "1");
    assert.equal(version.body.minor, "37");
    const kubeconfig = JSON.parse(readFileSync(cluster.kubeconfig, "utf8"));
    assert.equal(kubeconfig.clusters[0].cluster.server, cluster.server);
    assert.equal(kubeconfig.users[0].user.token, cluster.token);
  });

  it("refuses a request without the admin's token, and one with a wrong token", async function () {
    const ca = readFileSync(cluster.caFile);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        https.get(`${cluster.server}/api/v1/namespaces`, { ca, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject);
      });
    assert.equal(await status({}), 403, "anonymous is authenticated but not authorized");
    assert.equal(await status({ authorization: "Bearer not-the-token" }), 401);
  });

  it("has the Gateway API v1.3.0 standard CRDs Established", async function () {
    const list = await cluster.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
    const gateway = list.body.items.filter((crd: any) => crd.spec.group === "gateway.networking.k8s.io");
    assert.deepEqual(gateway.map((crd: any) => crd.metadata.name).sort(), [
      "gatewayclasses.gateway.networking.k8s.io",
      "gateways.gateway.networking.k8s.io",
      "grpcroutes.gateway.networking.k8s.io",
      "httproutes.gateway.networking.k8s.io",
      "referencegrants.gateway.networking.k8s.io",
    ]);
    for (const crd of gateway) {
      assert.equal(condition(crd, "Established"), "True", crd.metadata.name);
      assert.equal(crd.metadata.annotations["gateway.networking.k8s.io/bundle-version"], "v1.3.0");
    }
    const routes = await cluster.request("GET", `/apis/gateway.networking.k8s.io/v1/namespaces/${NAMESPACE}/httproutes`);
    assert.equal(routes.status, 200);
  });

  it("refuses an HTTPRoute with a negative backend weight, naming the field; one with valid weights is stored", async function () {
    const route = (name: string, weights: [number, number]) => ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name, namespace: NAMESPACE },
      spec: {
        parentRefs: [{ name: "gateway" }],
        rules: [
          {
            backendRefs: [
              { name: "blue", port: 80, weight: weights[0] },
              { name: "green", port: 80, weight: weights[1] },
            ],
          },
        ],
      },
    });
    const url = `/apis/gateway.networking.k8s.io/v1/namespaces/${NAMESPACE}/httproutes`;
    const refused = await cluster.request("POST", url, route("negative", [-5, 105]));
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.reason, "Invalid");
    assert.match(refused.body.message, /spec\.rules\[0\]\.backendRefs\[0\]\.weight/);
    assert.match(refused.body.message, /greater than or equal to 0/);
    const stored = await cluster.request("GET", `${url}/negative`);
    assert.equal(stored.status, 404, "the refused route must not be stored");

    const accepted = await cluster.request("POST", url, route("valid", [90, 10]));
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.deepEqual(
      accepted.body.spec.rules[0].backendRefs.map((ref: { weight: number }) => ref.weight),
      [90, 10],
    );
  });

  it("simulates a Gateway controller: a route to an existing Gateway is Accepted (again after each change), one to a missing Gateway is not", async function () {
    this.timeout(60_000);
    await cluster.createGateway("public", "gateway-system");
    const url = `/apis/gateway.networking.k8s.io/v1/namespaces/${NAMESPACE}/httproutes`;
    const route = (name: string, gateway: string, weights: [number, number]) => ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name, namespace: NAMESPACE },
      spec: {
        parentRefs: [{ name: gateway, namespace: "gateway-system" }],
        hostnames: ["hello.example.com"],
        rules: [{ backendRefs: [{ name: "hello-blue", port: 80, weight: weights[0] }, { name: "hello-green", port: 80, weight: weights[1] }] }],
      },
    });
    const accepted = (name: string, generation: number) =>
      cluster.waitFor(`${name}'s status for generation ${generation}`, async () => {
        const current = await cluster.request("GET", `${url}/${name}`);
        const parent = current.body.status?.parents?.[0];
        const condition = parent?.conditions?.find((c: { type: string }) => c.type === "Accepted");
        return condition?.observedGeneration === generation ? { parent, condition } : undefined;
      });

    assert.equal((await cluster.request("POST", url, route("to-public", "public", [100, 0]))).status, 201);
    const first = await accepted("to-public", 1);
    assert.equal(first.condition.status, "True");
    assert.equal(first.parent.controllerName, "switchyard.local/simulated-gateway");
    assert.deepEqual(first.parent.parentRef, { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateway-system" });

    const patched = await cluster.request("PATCH", `${url}/to-public`, { spec: { rules: [{ backendRefs: [{ name: "hello-blue", port: 80, weight: 90 }, { name: "hello-green", port: 80, weight: 10 }] }] } }, "application/merge-patch+json");
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.metadata.generation, 2);
    assert.equal((await accepted("to-public", 2)).condition.status, "True");

    assert.equal((await cluster.request("POST", url, route("to-missing", "no-such-gateway", [100, 0]))).status, 201);
    const missing = await accepted("to-missing", 1);
    assert.equal(missing.condition.status, "False");
    assert.equal(missing.condition.reason, "NoMatchingParent");
  });

  it("makes a Deployment Available through the controller manager, the scheduler and kwok's simulated pods", async function () {
    this.timeout(180_000);
    const labels = { app: "hello", slot: "blue" };
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "hello-blue", namespace: NAMESPACE },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "hello", image: "registry.invalid/hello:1.0.0", ports: [{ containerPort: 8080 }] }] },
        },
      },
    };
    const created = await cluster.request("POST", `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const available = await cluster.waitFor(
      "the Deployment to be Available with 2 ready replicas",
      async () => {
        const current = await cluster.request("GET", `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/hello-blue`);
        const status = current.body.status ?? {};
        return condition(current.body, "Available") === "True" && status.readyReplicas === 2 && status.updatedReplicas === 2 ? current.body : undefined;
      },
      150_000,
    );
    assert.equal(available.status.availableReplicas, 2);
    const pods = await cluster.request("GET", `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dhello`);
    assert.equal(pods.body.items.length, 2);
    for (const pod of pods.body.items) {
      assert.ok(cluster.nodes.includes(pod.spec.nodeName), `pod ${pod.metadata.name} is on a simulated node (${pod.spec.nodeName})`);
      assert.equal(pod.status.phase, "Running");
      assert.equal(condition(pod, "Ready"), "True");
      assert.ok(pod.status.podIP, `pod ${pod.metadata.name} has an IP from kwok`);
    }
  });

  it("gives a Service selecting those pods ready endpoints (what the provider's Service await waits for)", async function () {
    this.timeout(120_000);
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "hello", namespace: NAMESPACE },
      spec: { selector: { app: "hello", slot: "blue" }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const created = await cluster.request("POST", `/api/v1/namespaces/${NAMESPACE}/services`, service);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.spec.clusterIP, /^10\.96\./);
    const addresses = await cluster.waitFor(
      "the Service's EndpointSlice to list 2 ready endpoints",
      async () => {
        const slices = await cluster.request("GET", `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dhello`);
        const ready = (slices.body.items ?? []).flatMap((slice: any) => (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses));
        return ready.length === 2 ? ready : undefined;
      },
      90_000,
    );
    assert.equal(new Set(addresses).size, 2);
  });

  it("simulates each Gateway's data plane: a backend drawn by the route's weights, answered for a ready pod by its labels; 404, 500 and 503 as a Gateway would", async function () {
    this.timeout(120_000);
    const url = await cluster.createGateway("plane", "gateway-system");
    assert.match(url, /^http:\/\/localhost:\d+$/);
    assert.equal(await cluster.createGateway("plane", "gateway-system"), url, "one data plane per Gateway");
    const routes = `/apis/gateway.networking.k8s.io/v1/namespaces/${NAMESPACE}/httproutes`;
    const route = (refs: object[]) => ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "plane", namespace: NAMESPACE },
      spec: { parentRefs: [{ name: "plane", namespace: "gateway-system" }], hostnames: ["localhost"], rules: [{ backendRefs: refs }] },
    });
    // The Service "hello" of the tests above selects hello-blue's two ready pods.
    assert.equal((await cluster.request("POST", routes, route([{ name: "hello", port: 80, weight: 1 }, { name: "missing", port: 80, weight: 0 }]))).status, 201);
    // node:http, not fetch: fetch does not let a request name another Host.
    const get = (host?: string) =>
      new Promise<{ status: number; body: Record<string, string> }>((resolve, reject) => {
        http.get(`${url}/healthz`, host ? { headers: { host } } : {}, (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        }).on("error", reject);
      });
    const served = await cluster.waitFor("the route to be accepted and served", async () => {
      const answer = await get();
      return answer.status === 200 ? answer : undefined;
    });
    assert.equal(served.body.slot, "blue");
    assert.equal(served.body.service, "hello");
    assert.match(served.body.pod!, /^hello-blue-/);
    assert.equal((await get("elsewhere.example")).status, 404, "no route for that host");

    const patch = (refs: object[]) => cluster.request("PATCH", `${routes}/plane`, { spec: { rules: [{ backendRefs: refs }] } }, "application/merge-patch+json");
    await patch([{ name: "hello", port: 80, weight: 0 }, { name: "missing", port: 80, weight: 1 }]);
    assert.equal((await cluster.waitFor("the missing backend to be drawn", async () => ((await get()).status === 500 ? true : undefined))), true);
    await patch([{ name: "hello", port: 80, weight: 0 }, { name: "missing", port: 80, weight: 0 }]);
    const none = await get();
    assert.equal(none.status, 500);
    assert.match(none.body.error!, /every backend of HTTPRoute plane has weight 0/);

    const empty = { apiVersion: "v1", kind: "Service", metadata: { name: "empty", namespace: NAMESPACE }, spec: { selector: { app: "nothing" }, ports: [{ port: 80 }] } };
    assert.equal((await cluster.request("POST", `/api/v1/namespaces/${NAMESPACE}/services`, empty)).status, 201);
    await patch([{ name: "empty", port: 80, weight: 1 }]);
    const unready = await get();
    assert.equal(unready.status, 503);
    assert.match(unready.body.error!, /has no ready endpoint/);
  });
});

describe("Kubernetes test cluster: a start that fails", function () {
  it("stops what it had started, removes its folder, and says which component failed with its log", async function () {
    this.timeout(120_000);
    const ours = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((line) => line.includes("/sy-kube-"));
    const before = new Set(ours());
    const beforeDirs = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("sy-kube-")));
    await assert.rejects(startKubeCluster({ extraArgs: { "kube-apiserver": ["--no-such-flag=1"] } }), (error: Error) => {
      assert.match(error.message, /kube-apiserver stopped \(exit 1\)/);
      assert.match(error.message, /unknown flag: --no-such-flag/);
      return true;
    });
    assert.deepEqual(ours().filter((line) => !before.has(line)), [], "etcd (started before) is stopped");
    assert.deepEqual(readdirSync(tmpdir()).filter((name) => name.startsWith("sy-kube-") && !beforeDirs.has(name)), [], "its folder is removed");
  });
});
