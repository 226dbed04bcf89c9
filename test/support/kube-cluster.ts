/**
 * A throwaway Kubernetes cluster for the Kubernetes suite, on loopback: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler v1.37.2 built by set-up
 * (bootstrap/ensure-kubernetes.mjs), each on a free port, with certificates made here by openssl
 * (a CA and the API server's serving certificate; the service-account signing key comes from
 * Node's crypto), a token-authenticated admin in system:masters, and a kubeconfig in a temp dir.
 * The Gateway API CRDs (sigs.k8s.io/gateway-api v1.3.0, standard channel, as the Go module ships
 * them) are installed and Established before it returns.
 *
 * There is no kubelet, so pods never run: kwok (also built by set-up) simulates nodes and the
 * pods on them with the module's "fast" stages, so that a Deployment's pods are scheduled, become
 * Running and Ready, and the Deployment Available. No container runs and no traffic flows.
 *
 * With the simulated Gateway controller comes a simulated data plane: per Gateway, an HTTP server
 * on loopback (the address createGateway gives) that routes each request as a Gateway would from what the API server holds (the
 * accepted HTTPRoute for the Host, a backend drawn by the route's weights, a ready endpoint of that
 * Service), and answers for the pod it picked with the sample service's JSON made from the pod's
 * labels (service, slot, version). No container runs, so it says nothing about an application;
 * it makes what the API server says observable the way a client sees it.
 *
 * Everything started is stopped by stop(), and by startKubeCluster itself when a start fails.
 * Fails (never skips) naming what is missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, freePorts } from "./ports";
import { responseOf } from "../../components/kubernetes/api";

export interface KubeTools {
  readonly binDir: string;
  readonly kubernetesVersion: string;
  readonly providerVersion: string;
  readonly binaries: Readonly<Record<string, { readonly path: string; readonly version: string }>>;
  readonly gatewayApiCrds: { readonly dir: string; readonly version: string };
  readonly kwokStages: { readonly dir: string; readonly version: string };
}

export interface KubeClusterOptions {
  /** Install the Gateway API CRDs. @default true */
  readonly gatewayApi?: boolean;
  /** Simulate nodes and pods with kwok. @default true */
  readonly kwok?: boolean;
  /** Simulated nodes (with kwok). @default 1 */
  readonly nodes?: number;
  /**
   * Simulate a Gateway controller (with the Gateway API CRDs): every HTTPRoute gets, per parentRef,
   * the status a controller would write: Accepted and ResolvedRefs True when the parent Gateway
   * exists, Accepted False (NoMatchingParent) when it does not. @default true
   */
  readonly gatewayController?: boolean;
  /** The kubeconfig's context (and cluster) name, for a stack that names its context. @default "switchyard-test" */
  readonly context?: string;
  /** More flags for a component, by binary name (e.g. feature gates for kube-apiserver). */
  readonly extraArgs?: Readonly<Partial<Record<(typeof CLUSTER_BINARIES)[number], readonly string[]>>>;
}

export interface KubeResponse {
  readonly status: number;
  /** Parsed JSON, or the text when it is not JSON. */
  readonly body: any;
}

export interface KubeCluster {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** A kubeconfig file (context "switchyard-test", the admin's token, the CA embedded). */
  readonly kubeconfig: string;
  /** The same kubeconfig as text, for a provider's `kubeconfig` argument. */
  readonly kubeconfigText: string;
  readonly token: string;
  readonly caFile: string;
  readonly dir: string;
  readonly tools: KubeTools;
  /** The kubeconfig's context. */
  readonly context: string;
  /** The names of the simulated nodes (empty without kwok). */
  readonly nodes: readonly string[];
  /** Creates a namespace unless it exists. */
  ensureNamespace(name: string): Promise<void>;
  /**
   * A Gateway (one HTTP listener on port 80) of the simulated controller's GatewayClass, and its
   * namespace, unless they exist: what a `kubernetes` stack's `gateway` names. Resolves to its
   * simulated data plane's address, http://localhost:PORT (a route attached to it with the
   * hostname "localhost" is reached there).
   */
  createGateway(name: string, namespace: string): Promise<string>;
  /** One request to the API server as the admin. */
  request(method: string, apiPath: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
  /** Polls `check` until it gives a value (not undefined), or fails after `timeoutMs` naming `what`. */
  waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** The last lines of a component's log (etcd, kube-apiserver, ...), for failure messages. */
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

/** The test cluster's binaries; the provider (pulumi-resource-kubernetes) is the engine tests' concern. */
export const CLUSTER_BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;

/**
 * Set-up's record of the built tools, when those named are in place (built and stamped by
 * bootstrap/ensure-kubernetes.mjs; plain JavaScript, loaded by URL and typed here).
 */
export async function findKubeTools(names: readonly string[] = CLUSTER_BINARIES): Promise<KubeTools> {
  const url = pathToFileURL(path.join(__dirname, "..", "..", "bootstrap", "ensure-kubernetes.mjs")).href;
  const bootstrap = (await import(url)) as {
    findKubernetesTools(root: undefined, names: readonly string[]): KubeTools | undefined;
    kubernetesStatus(): { name: string; upToDate: boolean }[];
  };
  const tools = bootstrap.findKubernetesTools(undefined, names);
  if (!tools) {
    const missing = bootstrap.kubernetesStatus().filter((entry) => names.includes(entry.name) && !entry.upToDate).map((entry) => entry.name);
    throw new Error(
      `the Kubernetes suite's tools are not built${missing.length ? ` (missing or out of date: ${missing.join(", ")})` : " (the Gateway API or kwok module files are not downloaded)"}; run: node bootstrap/ensure-kubernetes.mjs (about 25 min on 2 cores the first time, seconds after)`,
    );
  }
  return tools;
}

const SERVICE_CIDR = "10.96.0.0/16";
const DEFAULT_CONTEXT = "switchyard-test";
/** The controllerName of the simulated Gateway controller and its GatewayClass. */
export const SIMULATED_GATEWAY_CONTROLLER = "switchyard.local/simulated-gateway";
const GATEWAY_CLASS = "switchyard-simulated";
const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

function openssl(args: string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, encoding: "utf8", timeout: 30_000 });
  if (result.error) throw new Error(`openssl is needed to make the test cluster's certificates and could not run: ${result.error.message} (apt-get install -y openssl)`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** A CA and the API server's serving certificate (EC P-256, two days), by openssl, in `dir`. */
function makeCertificates(dir: string): { ca: string; caKey: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=switchyard-test-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    dir,
  );
  openssl(["req", "-new", ...ec, "-keyout", "apiserver.key", "-out", "apiserver.csr", "-subj", "/CN=kube-apiserver"], dir);
  writeFileSync(
    file("apiserver.ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local",
      "",
    ].join("\n"),
  );
  openssl(["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "apiserver.crt", "-days", "2", "-extfile", "apiserver.ext"], dir);
  return { ca: file("ca.crt"), caKey: file("ca.key"), cert: file("apiserver.crt"), key: file("apiserver.key") };
}

/** Files of a kustomization's `resources`, followed into folders (kwok's stages are laid out so). */
export function kustomizationFiles(dir: string): string[] {
  const text = readFileSync(path.join(dir, "kustomization.yaml"), "utf8");
  const resources: string[] = [];
  let inResources = false;
  for (const line of text.split("\n")) {
    if (/^resources:\s*$/.test(line)) inResources = true;
    // Items may stand at the key's indentation ("- file.yaml"); any other key ends the list.
    else if (/^[^\s-]/.test(line)) inResources = false;
    else if (inResources) {
      const item = /^\s*-\s*(\S+)\s*$/.exec(line)?.[1];
      if (item) resources.push(item);
    }
  }
  return resources.flatMap((resource) => {
    const target = path.join(dir, resource);
    return existsSync(path.join(target, "kustomization.yaml")) ? kustomizationFiles(target) : [target];
  });
}

interface Component {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
  exited?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  const withKwok = options.kwok ?? true;
  const context = options.context ?? DEFAULT_CONTEXT;
  let stopGatewayController: (() => Promise<void>) | undefined;
  /** The simulated data plane's servers, of every Gateway made. */
  const dataPlanes: Server[] = [];
  const gatewayUrls = new Map<string, string>();
  const tools = await findKubeTools(CLUSTER_BINARIES.filter((name) => withKwok || name !== "kwok"));
  const nodeCount = withKwok ? (options.nodes ?? 1) : 0;
  const dir = mkdtempSync(path.join(tmpdir(), "sy-kube-"));
  const components: Component[] = [];
  const binary = (name: string) => tools.binaries[name]!.path;

  const logTail = (component: string, lines = 30) => {
    const entry = components.find((c) => c.name === component);
    if (!entry || !existsSync(entry.log)) return "";
    return readFileSync(entry.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  };

  // A test process that ends without stop() (an uncaught error, process.exit) takes its cluster
  // along: nothing may outlive it on the machine's ports.
  const onExit = () => {
    for (const component of components) if (!component.exited) component.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", onExit);

  const stop = async () => {
    process.off("exit", onExit);
    await stopGatewayController?.();
    // The reverse of the start order: the API server's clients first, etcd last.
    for (const component of [...components].reverse()) {
      if (component.exited) continue;
      const gone = new Promise<void>((resolve) => component.child.once("exit", () => resolve()));
      component.child.kill("SIGTERM");
      const killed = await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        component.child.kill("SIGKILL");
        await Promise.race([gone, sleep(5_000)]);
      }
    }
    components.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };

  const start = (name: string, args: string[]): Component => {
    const log = path.join(dir, `${name}.log`);
    const fd = openSync(log, "a");
    const extra = options.extraArgs?.[name as (typeof CLUSTER_BINARIES)[number]] ?? [];
    const child = spawn(binary(name), [...args, ...extra], { cwd: dir, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const component: Component = { name, child, log };
    child.once("exit", (code, signal) => {
      component.exited = signal ?? `exit ${code}`;
    });
    child.once("error", (error) => {
      component.exited = error.message;
    });
    components.push(component);
    return component;
  };

  const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, watched: Component[] = components): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      const dead = watched.find((c) => c.exited);
      if (dead) throw new Error(`${dead.name} stopped (${dead.exited}) while waiting for ${what}; its log:\n${logTail(dead.name)}`);
      try {
        const value = await check();
        if (value !== undefined) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
      }
      await sleep(250);
    }
  };

  try {
    const [etcdPort, etcdPeerPort, apiPort, kwokPort] = await freePorts(4);
    const certs = makeCertificates(dir);
    // The service-account token signing key: Node's crypto, EC P-256 (ES256).
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const saKey = path.join(dir, "sa.key");
    writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    const saPub = path.join(dir, "sa.pub");
    writeFileSync(saPub, createPublicKey(privateKey).export({ type: "spki", format: "pem" }));

    const token = randomBytes(24).toString("hex");
    writeFileSync(path.join(dir, "tokens.csv"), `${token},switchyard-admin,switchyard-admin,"system:masters"\n`, { mode: 0o600 });

    // etcd: its own data dir, client and peer URLs on loopback, no fsync (a test store).
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = start("etcd", [
      "--name=test",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      "--listen-metrics-urls=",
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await waitFor(
      "etcd to be healthy",
      async () => {
        const response = await fetch(`${etcdUrl}/health`);
        return response.ok && ((await response.json()) as { health?: string }).health === "true" ? true : undefined;
      },
      30_000,
      [etcd],
    );

    const server = `https://127.0.0.1:${apiPort}`;
    const ca = readFileSync(certs.ca);
    const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
    const request = (method: string, apiPath: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
        const req = https.request(
          `${server}${apiPath}`,
          {
            method,
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              accept: "application/json",
              ...(payload !== undefined ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
            },
            timeout: 30_000,
          },
          (res) => void responseOf(res).then(resolve, reject),
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
        req.on("error", reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });

    const apiserver = start("kube-apiserver", [
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--etcd-servers=${etcdUrl}`,
      `--tls-cert-file=${certs.cert}`,
      `--tls-private-key-file=${certs.key}`,
      `--client-ca-file=${certs.ca}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // One API server and no other: no lease for the "kubernetes" Service's endpoints.
      "--endpoint-reconciler-type=none",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=1",
    ]);
    await waitFor(
      "kube-apiserver to be ready (/readyz)",
      async () => {
        const response = await request("GET", "/readyz");
        return response.status === 200 ? true : undefined;
      },
      90_000,
      [etcd, apiserver],
    );

    const kubeconfigText = `${JSON.stringify(
      {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server, "certificate-authority-data": ca.toString("base64") } }],
        users: [{ name: "switchyard-admin", user: { token } }],
        contexts: [{ name: context, context: { cluster: context, user: "switchyard-admin" } }],
        "current-context": context,
      },
      null,
      2,
    )}\n`;
    const kubeconfig = path.join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigText, { mode: 0o600 });

    const controllerManager = start("kube-controller-manager", [
      `--kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--leader-elect=false",
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${certs.ca}`,
      "--use-service-account-credentials=false",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--v=1",
    ]);
    const scheduler = start("kube-scheduler", [`--kubeconfig=${kubeconfig}`, "--bind-address=127.0.0.1", "--secure-port=0", "--leader-elect=false", "--v=1"]);
    // Pods are admitted only once their namespace's "default" ServiceAccount exists, which the
    // controller manager makes: its being there says the controllers run.
    await waitFor(
      "kube-controller-manager to make the default ServiceAccount",
      async () => ((await request("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200 ? true : undefined),
      90_000,
      [etcd, apiserver, controllerManager, scheduler],
    );

    if (options.gatewayApi ?? true) {
      const files = readdirSync(tools.gatewayApiCrds.dir).filter((f) => f.endsWith(".yaml")).sort();
      const names: string[] = [];
      for (const file of files) {
        const response = await request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", readFileSync(path.join(tools.gatewayApiCrds.dir, file), "utf8"), "application/yaml");
        if (response.status !== 201) throw new Error(`installing the Gateway API CRD ${file} failed (${response.status}): ${response.body?.message ?? JSON.stringify(response.body)}`);
        names.push(response.body.metadata.name);
      }
      await waitFor(
        `the Gateway API CRDs to be Established (${names.join(", ")})`,
        async () => {
          for (const name of names) {
            const crd = await request("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
            const established = crd.body?.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True");
            if (!established) return undefined;
          }
          return true;
        },
        60_000,
      );
    }

    if ((options.gatewayApi ?? true) && (options.gatewayController ?? true)) {
      const created = await request("POST", "/apis/gateway.networking.k8s.io/v1/gatewayclasses", {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: GATEWAY_CLASS },
        spec: { controllerName: SIMULATED_GATEWAY_CONTROLLER },
      });
      if (created.status !== 201) throw new Error(`creating the GatewayClass ${GATEWAY_CLASS} failed (${created.status}): ${created.body?.message}`);
      const stopController = startSimulatedGatewayController(request);
      stopGatewayController = async () => {
        await Promise.all(
          dataPlanes.splice(0).map(
            (server) =>
              new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
              }),
          ),
        );
        await stopController();
      };
    }

    const nodes: string[] = [];
    if (withKwok) {
      const stages = kustomizationFiles(path.join(tools.kwokStages.dir, "fast"));
      const stagesFile = path.join(dir, "kwok-stages.yaml");
      writeFileSync(stagesFile, stages.map((file) => readFileSync(file, "utf8").trim()).join("\n---\n") + "\n");
      const kwok = start("kwok", [
        `--kubeconfig=${kubeconfig}`,
        `--config=${stagesFile}`,
        "--manage-all-nodes=false",
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
        `--server-address=127.0.0.1:${kwokPort}`,
        "--node-ip=127.0.0.1",
        "--cidr=10.244.0.0/16",
        "--node-lease-duration-seconds=40",
      ]);
      for (let i = 0; i < nodeCount; i++) {
        const name = `kwok-node-${i}`;
        const node = {
          apiVersion: "v1",
          kind: "Node",
          metadata: {
            name,
            annotations: { [KWOK_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: { type: "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" },
          },
          status: { allocatable: { cpu: "32", memory: "256Gi", pods: "110" }, capacity: { cpu: "32", memory: "256Gi", pods: "110" } },
        };
        const created = await request("POST", "/api/v1/nodes", node);
        if (created.status !== 201) throw new Error(`creating the simulated node ${name} failed (${created.status}): ${created.body?.message}`);
        nodes.push(name);
      }
      await waitFor(
        `kwok to make the simulated nodes Ready (${nodes.join(", ")})`,
        async () => {
          for (const name of nodes) {
            const node = await request("GET", `/api/v1/nodes/${name}`);
            const ready = node.body?.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");
            // The node lifecycle controller takes its not-ready taint away once it sees Ready.
            const tainted = (node.body?.spec?.taints ?? []).some((t: { key: string }) => t.key.startsWith("node.kubernetes.io/"));
            if (!ready || tainted) return undefined;
          }
          return true;
        },
        90_000,
        [etcd, apiserver, controllerManager, scheduler, kwok],
      );
    }

    return {
      server,
      kubeconfig,
      kubeconfigText,
      token,
      caFile: certs.ca,
      dir,
      tools,
      nodes,
      request,
      context,
      waitFor: (what, check, timeoutMs) => waitFor(what, check, timeoutMs),
      ensureNamespace: (name) => ensureNamespace(request, name),
      async createGateway(name, namespace) {
        await ensureNamespace(request, namespace);
        const gateway = {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "Gateway",
          metadata: { name, namespace },
          spec: { gatewayClassName: GATEWAY_CLASS, listeners: [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } }] },
        };
        const created = await request("POST", `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/gateways`, gateway);
        if (created.status !== 201 && created.status !== 409) throw new Error(`creating the Gateway ${namespace}/${name} failed (${created.status}): ${created.body?.message}`);
        const key = `${namespace}/${name}`;
        const known = gatewayUrls.get(key);
        if (known) return known;
        if (!stopGatewayController) throw new Error("a Gateway's data plane is simulated with the simulated Gateway controller only");
        const port = await freePort();
        dataPlanes.push(...(await startSimulatedDataPlane(request, { name, namespace }, port)));
        const url = `http://localhost:${port}`;
        gatewayUrls.set(key, url);
        return url;
      },
      logTail,
      async stop() {
        agent.destroy();
        await stop();
      },
    };
  } catch (error) {
    const logs = components.map((c) => `--- ${c.name}${c.exited ? ` (${c.exited})` : ""}:\n${logTail(c.name, 15)}`).join("\n");
    await stop();
    (error as Error).message += logs ? `\nlogs of the test cluster's components:\n${logs}` : "";
    throw error;
  }
}

type Request = (method: string, apiPath: string, body?: unknown, contentType?: string) => Promise<KubeResponse>;

async function ensureNamespace(request: Request, name: string): Promise<void> {
  const created = await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating the namespace ${name} failed (${created.status}): ${created.body?.message}`);
}

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

/**
 * What a Gateway controller writes into an HTTPRoute's status, and nothing else: no data plane.
 * Polls every 300 ms; returns the function that stops it (and waits for the round in flight).
 */
function startSimulatedGatewayController(request: Request): () => Promise<void> {
  let stopped = false;
  const round = async () => {
    const routes = await request("GET", "/apis/gateway.networking.k8s.io/v1/httproutes");
    for (const route of routes.body?.items ?? []) {
      const namespace: string = route.metadata.namespace;
      const generation: number = route.metadata.generation;
      const previous: any[] = route.status?.parents ?? [];
      const parents = [];
      for (const parentRef of route.spec?.parentRefs ?? []) {
        const gatewayNamespace = parentRef.namespace ?? namespace;
        const kind = parentRef.kind ?? "Gateway";
        const gateway = kind === "Gateway" ? await request("GET", `/apis/gateway.networking.k8s.io/v1/namespaces/${gatewayNamespace}/gateways/${parentRef.name}`) : undefined;
        const found = gateway?.status === 200;
        const before = previous.find((p) => JSON.stringify(p.parentRef) === JSON.stringify(parentRef));
        const condition = (type: string, status: string, reason: string, message: string): Condition => {
          const old = before?.conditions?.find((c: Condition) => c.type === type);
          const same = old && old.status === status && old.reason === reason;
          return { type, status, reason, message, observedGeneration: generation, lastTransitionTime: same ? old.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z") };
        };
        parents.push({
          parentRef,
          controllerName: SIMULATED_GATEWAY_CONTROLLER,
          conditions: found
            ? [condition("Accepted", "True", "Accepted", "accepted by the simulated gateway controller"), condition("ResolvedRefs", "True", "ResolvedRefs", "references resolved (not checked: no data plane)")]
            : [condition("Accepted", "False", "NoMatchingParent", `${kind} ${gatewayNamespace}/${parentRef.name} does not exist`)],
        });
      }
      const key = (list: any[]) => JSON.stringify(list.map((p) => [p.parentRef, p.controllerName, (p.conditions ?? []).map((c: Condition) => [c.type, c.status, c.reason, c.observedGeneration])]));
      if (key(previous) === key(parents)) continue;
      // A route deleted meanwhile answers 404: nothing to do.
      await request("PATCH", `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/${route.metadata.name}/status`, { status: { parents } }, "application/merge-patch+json");
    }
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        await round();
      } catch {
        // The API server is stopping, or a route changed under us: the next round sees.
      }
      if (!stopped) await sleep(300);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

const routeAccepted = (route: any) =>
  (route.status?.parents ?? []).some(
    (p: any) => p.controllerName === SIMULATED_GATEWAY_CONTROLLER && (p.conditions ?? []).some((c: Condition) => c.type === "Accepted" && c.status === "True"),
  );

/** One weighted draw: the index of the ref taken, undefined when every weight is 0. */
function drawByWeight(weights: readonly number[]): number | undefined {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return undefined;
  let point = Math.random() * total;
  for (let i = 0; i < weights.length; i++) {
    point -= weights[i]!;
    if (point < 0) return i;
  }
  return weights.length - 1;
}

/**
 * The simulated Gateways' data plane (see the module comment). Answers as the Gateway API asks a
 * data plane to: 404 when no accepted route matches the host, 500 when every backend weight is 0
 * or the backend Service does not exist, 503 when the Service has no ready endpoint.
 */
async function startSimulatedDataPlane(request: Request, gateway: { name: string; namespace: string }, port: number): Promise<Server[]> {
  const attached = (r: any) =>
    (r.spec?.parentRefs ?? []).some((p: any) => (p.kind ?? "Gateway") === "Gateway" && p.name === gateway.name && (p.namespace ?? r.metadata.namespace) === gateway.namespace);
  const route = async (host: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const routes = await request("GET", "/apis/gateway.networking.k8s.io/v1/httproutes");
    const matching = ((routes.body?.items ?? []) as any[])
      .filter((r) => attached(r) && routeAccepted(r) && (!(r.spec?.hostnames?.length) || r.spec.hostnames.includes(host)))
      .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    const chosen = matching[0];
    if (!chosen) return { status: 404, body: { error: `no accepted HTTPRoute for host ${host}` } };
    const refs: any[] = chosen.spec.rules?.[0]?.backendRefs ?? [];
    const index = drawByWeight(refs.map((ref) => ref.weight ?? 1));
    if (index === undefined) return { status: 500, body: { error: `every backend of HTTPRoute ${chosen.metadata.name} has weight 0` } };
    const ref = refs[index];
    const namespace = ref.namespace ?? chosen.metadata.namespace;
    const service = await request("GET", `/api/v1/namespaces/${namespace}/services/${ref.name}`);
    if (service.status !== 200) return { status: 500, body: { error: `backend Service ${namespace}/${ref.name} does not exist` } };
    const slices = await request("GET", `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${ref.name}`)}`);
    const ready = ((slices.body?.items ?? []) as any[]).flatMap((slice) => (slice.endpoints ?? []).filter((e: any) => e.conditions?.ready && e.targetRef?.kind === "Pod"));
    if (ready.length === 0) return { status: 503, body: { error: `Service ${namespace}/${ref.name} has no ready endpoint` } };
    const endpoint = ready[Math.floor(Math.random() * ready.length)];
    const pod = await request("GET", `/api/v1/namespaces/${endpoint.targetRef.namespace ?? namespace}/pods/${endpoint.targetRef.name}`);
    if (pod.status !== 200) return { status: 503, body: { error: `pod ${endpoint.targetRef.name} is gone` } };
    const labels = pod.body.metadata?.labels ?? {};
    return { status: 200, body: { service: labels.app, version: labels.version, slot: labels.slot, pod: pod.body.metadata.name } };
  };
  const listen = (address: string) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((req, res) => {
        const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
        route(host).then(
          ({ status, body }) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
          (error: Error) => res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: error.message })),
        );
      });
      server.once("error", reject);
      server.listen(port, address, () => resolve(server));
    });
  // "localhost" is 127.0.0.1, and on some machines ::1 as well.
  const servers = [await listen("127.0.0.1")];
  const v6 = await listen("::1").catch(() => undefined);
  if (v6) servers.push(v6);
  return servers;
}
