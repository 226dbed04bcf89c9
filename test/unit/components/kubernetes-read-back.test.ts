/**
 * The Kubernetes read-back: weights from an HTTPRoute or a switch Service as stored, and the
 * kubeconfig client that reads them (credentials and files as kubectl finds them), against a
 * fake API server on loopback.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { getObject, kubeApi, kubeconfigFiles, KubeApiError } from "../../../components/kubernetes/api";
import { readRouteWeights, readSwitchWeights, routeShares, selectedSlot } from "../../../components/kubernetes/read-back";
import { trafficMechanism } from "../../../components/traffic/mechanisms";

const services = { blue: "hello-blue", green: "hello-green" };
const route = (refs: object[], namespace = "apps") => ({ metadata: { namespace }, spec: { rules: [{ backendRefs: refs }] } });

describe("Kubernetes read-back: the route's shares", () => {
  const cases: [string, object[], { blue: number; green: number }][] = [
    ["as the component writes them", [{ name: "hello-blue", weight: 90 }, { name: "hello-green", weight: 10 }], { blue: 90, green: 10 }],
    ["relative weights are shares", [{ name: "hello-blue", weight: 1 }, { name: "hello-green", weight: 3 }], { blue: 25, green: 75 }],
    ["a ref without a weight counts 1", [{ name: "hello-blue" }, { name: "hello-green", weight: 1 }], { blue: 50, green: 50 }],
    ["every weight 0: nothing is served", [{ name: "hello-blue", weight: 0 }, { name: "hello-green", weight: 0 }], { blue: 0, green: 0 }],
    ["a backend added by hand takes its share from both", [{ name: "hello-blue", weight: 50 }, { name: "other", weight: 50 }, { name: "hello-green", weight: 0 }], { blue: 50, green: 0 }],
    ["a slot's Service in another namespace is not the slot's", [{ name: "hello-blue", weight: 50, namespace: "elsewhere" }, { name: "hello-green", weight: 50 }], { blue: 0, green: 50 }],
    ["a ref of another kind is not the slot's", [{ name: "hello-blue", weight: 50, kind: "Backend", group: "example.com" }, { name: "hello-green", weight: 50 }], { blue: 0, green: 50 }],
    ["no rule: nothing", [], { blue: 0, green: 0 }],
  ];
  for (const [name, refs, expected] of cases) {
    it(name, () => assert.deepEqual(routeShares(route(refs), services), expected));
  }

  it("a switch Service gives all to the slot its selector names, none without one", () => {
    assert.equal(selectedSlot({ spec: { selector: { app: "hello", slot: "green" } } }), "green");
    assert.equal(selectedSlot({ spec: { selector: { app: "hello" } } }), undefined);
    assert.equal(selectedSlot({ spec: { selector: { app: "hello", slot: "purple" } } }), undefined);
  });
});

describe("Kubernetes read-back through a kubeconfig (fake API server)", () => {
  let server: Server;
  let dir: string;
  let url: string;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const objects = new Map<string, unknown>();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-kubeconfig-"));
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      const body = objects.get(req.url ?? "");
      if (req.headers.authorization === "Bearer wrong") res.writeHead(401).end(JSON.stringify({ kind: "Status", message: "Unauthorized" }));
      else if (body) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      else res.writeHead(404).end(JSON.stringify({ kind: "Status", message: "not found" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    objects.set("/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes/hello-traffic", route([{ name: "hello-blue", weight: 75 }, { name: "hello-green", weight: 25 }]));
    objects.set("/api/v1/namespaces/apps/services/hello", { spec: { selector: { app: "hello", slot: "blue" } } });
    objects.set("/api/v1/namespaces/apps/services/both", { spec: { selector: { app: "hello" } } });
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (seen.length = 0));

  /** A kubeconfig with the context `ctx` for `user`, written to `file`. */
  const kubeconfig = (file: string, user: object, extra: object = {}) => {
    writeFileSync(
      path.join(dir, file),
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "c", cluster: { server: url } }],
        users: [{ name: "u", user }],
        contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }, { name: "other", context: { cluster: "c", user: "u" } }],
        "current-context": "other",
        ...extra,
      }),
    );
    return path.join(dir, file);
  };
  const outputs = (extra: object) => ({ kubernetes: { context: "ctx", namespace: "apps", deployments: services, services, ...extra } });
  const withKubeconfig = async <T>(file: string, run: () => Promise<T>): Promise<T> => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      return await run();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  };

  it("reads the route's weights with the context's token, whatever the current context", async () => {
    const file = kubeconfig("token.json", { token: "abc" });
    const weights = await withKubeconfig(file, () => trafficMechanism("k8s-http-route").readBack(outputs({ route: "hello-traffic" })));
    assert.deepEqual(weights, { blue: 75, green: 25 });
    assert.equal(seen[0]!.headers.authorization, "Bearer abc");
    assert.equal(seen[0]!.url, "/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes/hello-traffic");
  });

  it("reads the switch Service's slot; a selector without a slot is an error naming it", async () => {
    const file = kubeconfig("switch.json", { token: "abc" });
    await withKubeconfig(file, async () => {
      assert.deepEqual(await trafficMechanism("k8s-service-switch").readBack(outputs({ switchService: "hello" })), { blue: 100, green: 0 });
      await assert.rejects(readSwitchWeights(outputs({ switchService: "both" })), /Service apps\/both's selector names no slot/);
    });
  });

  it("a route that is gone is an error naming it; a stack without the kubernetes output cannot tell", async () => {
    const file = kubeconfig("gone.json", { token: "abc" });
    await withKubeconfig(file, async () => {
      await assert.rejects(readRouteWeights(outputs({ route: "nope" })), /the HTTPRoute apps\/nope does not exist on http:\/\/127\.0\.0\.1:\d+ \(context "ctx"\)/);
      assert.equal(await readRouteWeights({}), undefined);
    });
  });

  it("a tokenFile is read relative to its kubeconfig; KUBECONFIG lists are merged, the first file to name a thing wins", async () => {
    writeFileSync(path.join(dir, "token.txt"), "from-file\n");
    const first = kubeconfig("first.json", { tokenFile: "token.txt" });
    const second = kubeconfig("second.json", { token: "from-second" });
    const api = await kubeApi("ctx", { KUBECONFIG: [path.join(dir, "missing.json"), first, second].join(path.delimiter) });
    await api.get("/version");
    assert.equal(seen[0]!.headers.authorization, "Bearer from-file");
  });

  it("an exec credential plugin's token is used (EKS, GKE, AKS)", async () => {
    const plugin = path.join(dir, "plugin.sh");
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-'"$SUFFIX"'"}}'\n`);
    chmodSync(plugin, 0o755);
    const file = kubeconfig("exec.json", { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "./plugin.sh", env: [{ name: "SUFFIX", value: "token" }] } });
    const api = await kubeApi("ctx", { KUBECONFIG: file });
    await api.get("/version");
    assert.equal(seen[0]!.headers.authorization, "Bearer exec-token");
  });

  it("a missing context, and a refused request, are errors naming them", async () => {
    const file = kubeconfig("refused.json", { token: "wrong" });
    await assert.rejects(kubeApi("nope", { KUBECONFIG: file }), (error: Error) => error instanceof KubeApiError && /has no context "nope"/.test(error.message));
    const api = await kubeApi("ctx", { KUBECONFIG: file });
    await assert.rejects(getObject(api, "/api/v1/namespaces/apps/services/hello"), /answered 401: Unauthorized/);
  });

  it("without KUBECONFIG the file is ~/.kube/config", () => {
    assert.deepEqual(kubeconfigFiles({ HOME: "/home/x" }), ["/home/x/.kube/config"]);
    assert.deepEqual(kubeconfigFiles({ HOME: "/home/x", KUBECONFIG: `/a${path.delimiter}/b` }), ["/a", "/b"]);
  });
});
