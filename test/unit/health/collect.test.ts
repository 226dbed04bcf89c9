import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { checkHealth, declaredHealthPath, rolloutInFlight } from "../../../automation/health/check";
import { collectObservations, urlOf, type Probes } from "../../../automation/health/collect";
import { readFileBackendLock } from "../../../automation/health/probes";
import type { RolloutRecord } from "../../../automation/rollout/record";

describe("health: collecting observations", () => {
  describe("a cloud target, through its declared health endpoint (a fake load balancer on loopback)", () => {
    let server: Server;
    let answer = 200;
    let seen: string[] = [];
    let host: string;
    before(async () => {
      server = createServer((req, res) => {
        seen.push(req.url ?? "");
        res.writeHead(answer).end("ok");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
      seen = [];
      answer = 200;
    });

    const outputs = () => ({ target: "aws", endpoint: host, weights: { blue: 0, green: 100 }, slots: { blue: { version: "1" }, green: { version: "2" } } });

    it("answers 2xx at the health path: healthy, with what could not be read as notes", async () => {
      const health = await checkHealth({ outputs: outputs(), healthPath: "/healthz", requests: 3 }, "aws");
      assert.equal(health.verdict, "healthy", JSON.stringify(health));
      assert.deepEqual(seen, ["/healthz", "/healthz", "/healthz"], "the bare DNS name output is probed over HTTP at the declared path");
      assert.ok(health.notes.some((n) => /live weights are not read back on aws; state records blue 0% \/ green 100%/.test(n.message)));
    });

    it("answers 503: down, naming the URL and the answers", async () => {
      answer = 503;
      const health = await checkHealth({ outputs: outputs(), healthPath: "/healthz", requests: 2 }, "aws");
      assert.equal(health.verdict, "down");
      assert.equal(health.problems[0]!.message, `http://${host}/healthz gave no good answer: 2× HTTP 503`);
    });

    it("nothing listens: down, naming why", async () => {
      const gone = await checkHealth({ outputs: { ...outputs(), endpoint: "http://127.0.0.1:1" }, requests: 1 }, "aws");
      assert.equal(gone.verdict, "down");
      assert.match(gone.problems[0]!.message, /^http:\/\/127\.0\.0\.1:1\/ gave no good answer: 1× no answer \(ECONNREFUSED\)/);
    });
  });

  describe("the local target, with its probes replaced", () => {
    const state = {
      deployment: {
        resources: [
          { type: "pulumi-nodejs:dynamic/local:HaproxyInstance", outputs: { pid: 10, configPath: "/run/haproxy.cfg", configDigest: "sha256:declared" } },
          { type: "pulumi-nodejs:dynamic/local:Workload", outputs: { pid: 11, slot: "blue", service: "hello", port: 8081 } },
        ],
        pending_operations: [{ type: "updating", resource: { urn: "urn:pulumi:s::p::t::hello-traffic-weights", type: "pulumi-nodejs:dynamic/local:HaproxyWeights" } }],
      },
    };
    const markers: string[] = [];
    const urls: string[] = [];
    const probes: Probes = {
      fileDigest: (file) => (file === "/run/haproxy.cfg" ? "sha256:edited" : "missing"),
      endpoint: async (url, count) => (urls.push(url), Array.from({ length: count }, () => ({ status: 200, slot: "blue", version: "1.0.0" }))),
      get: async (url) => (urls.push(url), { status: 200, version: "1.0.0" }),
      proxy: async () => ({ servers: { blue: { status: "UP", weight: 100 }, green: { status: "MAINT", weight: 7 } } }),
      alive: (pid, marker) => (markers.push(`${pid} ${marker}`), pid === 11),
      lock: () => ({ checked: true, lock: { holder: "root@h pid 5", stale: true } }),
    };

    it("reads pids from state, slots from outputs, live weights from HAProxy, pending operations and the lock", async () => {
      const obs = await collectObservations(
        {
          // green is scaled down: no workload, empty endpoint
          outputs: { target: "local", endpoint: "http://127.0.0.1:8080", weights: { blue: 100, green: 0 }, slots: { blue: { version: "1.0.0", endpoint: "http://127.0.0.1:8081" }, green: { version: "1.1.0", endpoint: "" } }, trafficSocket: "/s", trafficBackend: "be" },
          state,
          lock: { backendUrl: "file:///x", project: "p", stack: "s" },
          requests: 2,
        },
        probes,
      );
      assert.deepEqual(obs.declared.running, ["blue"]);
      assert.deepEqual(urls.sort(), ["http://127.0.0.1:8080/", "http://127.0.0.1:8081/healthz"]);
      assert.deepEqual(markers, ["11 --switchyard-workload=hello/blue/8081", "10 /run/haproxy.cfg"]);
      assert.deepEqual(obs.workloads, { blue: { process: { pid: 11, alive: true }, answer: { status: 200, version: "1.0.0" }, url: "http://127.0.0.1:8081" } });
      assert.deepEqual(obs.proxyProcess, { pid: 10, alive: false });
      assert.deepEqual(obs.proxyConfig, { path: "/run/haproxy.cfg", found: "differs" }, "the file on disk against the digest state declares");
      assert.deepEqual(obs.liveWeights, { blue: 100, green: 0 }, "a server in maintenance takes no traffic");
      assert.deepEqual(obs.engine.pending, ["updating hello-traffic-weights (pulumi-nodejs:dynamic/local:HaproxyWeights) never finished"]);
      assert.deepEqual(obs.engine.lock, { holder: "root@h pid 5", stale: true });
    });

    it("without HAProxy outputs, says it cannot read them", async () => {
      const obs = await collectObservations({ outputs: { target: "local", endpoint: "http://e", slots: { blue: { endpoint: "http://b" }, green: { endpoint: "http://g" } } } }, probes);
      assert.deepEqual(obs.proxy, { error: "the stack outputs name no HAProxy runtime API (trafficSocket, trafficBackend)" });
    });
  });

  describe("the kubernetes target, with its probes replaced", () => {
    const names = { context: "ctx", namespace: "apps", deployments: { blue: "hello-blue", green: "hello-green" }, services: { blue: "hello-blue", green: "hello-green" }, route: "hello-traffic" };
    const base: Probes = {
      fileDigest: () => "missing",
      endpoint: async (_url, count) => Array.from({ length: count }, () => ({ status: 200 })),
      get: async () => ({ status: 200 }),
      proxy: async () => ({ error: "no HAProxy here" }),
      alive: () => false,
      lock: () => ({ checked: true }),
    };
    const outputs = { target: "kubernetes", endpoint: "http://hello.example.com", weights: { blue: 100, green: 0 }, slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0" } }, trafficMechanism: "k8s-http-route", capacities: { blue: 2, green: 2 }, kubernetes: names };

    it("reads the live weights through the mechanism and the objects from the API server; never HAProxy", async () => {
      const asked: string[] = [];
      const obs = await collectObservations(
        { outputs, healthPath: "/healthz" },
        {
          ...base,
          proxy: async () => assert.fail("a kubernetes stack has no HAProxy"),
          liveWeights: async (o) => (asked.push(`weights ${o.trafficMechanism}`), { blue: 90, green: 10 }),
          kubernetes: async (n) => (asked.push(`objects ${n.namespace}`), { names: n, deployments: {}, services: { blue: true, green: true } }),
        },
      );
      assert.deepEqual(asked.sort(), ["objects apps", "weights k8s-http-route"]);
      assert.deepEqual(obs.liveWeights, { blue: 90, green: 10 });
      assert.equal(obs.kubernetes?.names.route, "hello-traffic");
      assert.deepEqual(obs.capacities, { blue: 2, green: 2 });
      assert.equal(obs.proxy, undefined);
    });

    it("a read-back that fails is an observation, not an exception", async () => {
      const obs = await collectObservations({ outputs }, { ...base, liveWeights: async () => Promise.reject(new Error("the HTTPRoute apps/hello-traffic does not exist")) });
      assert.equal(obs.liveWeights, undefined);
      assert.equal(obs.liveWeightsError, "the HTTPRoute apps/hello-traffic does not exist");
    });
  });

  describe("the engine's lock in a file:// backend", () => {
    let dir: string;
    const lockDir = () => path.join(dir, ".pulumi", "locks", "organization", "switchyard", "s");
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-lock-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("no lock", () => assert.deepEqual(readFileBackendLock(`file://${dir}`, "switchyard", "s"), { checked: true }));

    it("a lock held by a process that no longer runs on this host is stale", () => {
      mkdirSync(lockDir(), { recursive: true });
      const dead = spawnSync("true").pid!;
      writeFileSync(path.join(lockDir(), "a.json"), JSON.stringify({ pid: dead, username: "u", hostname: hostname(), timestamp: "2026-01-01T00:00:00Z" }));
      assert.deepEqual(readFileBackendLock(`file://${dir}`, "switchyard", "s"), { checked: true, lock: { holder: `u@${hostname()} pid ${dead}`, stale: true } });
    });

    it("a lock held by a live process is not", () => {
      mkdirSync(lockDir(), { recursive: true });
      writeFileSync(path.join(lockDir(), "a.json"), JSON.stringify({ pid: process.pid, username: "u", hostname: hostname() }));
      assert.equal(readFileBackendLock(`file://${dir}`, "switchyard", "s").lock?.stale, false);
    });

    it("other backends are not checked", () => assert.deepEqual(readFileBackendLock("s3://bucket", "switchyard", "s"), { checked: false }));
  });

  describe("small helpers", () => {
    for (const [endpoint, pathName, url] of [
      ["lb.example.com", "/healthz", "http://lb.example.com/healthz"],
      ["https://lb.example.com/", "/healthz", "https://lb.example.com/healthz"],
      ["http://127.0.0.1:8080", "/", "http://127.0.0.1:8080/"],
    ] as const) {
      it(`urlOf(${endpoint}, ${pathName}) = ${url}`, () => assert.equal(urlOf(endpoint, pathName), url));
    }

    it("declaredHealthPath reads switchyard:<target>.healthCheck.path", () => {
      assert.equal(declaredHealthPath({ aws: { healthCheck: { path: "/healthz" } } }, "aws"), "/healthz");
      assert.equal(declaredHealthPath({ target: "local" }, "local"), undefined);
    });

    it("rolloutInFlight: recorded weights, the current step's split, all on stable", () => {
      const record = { id: "r-1", weights: { blue: 80, green: 20 }, plan: [{ weight: 20 }, { weight: 50 }], stepIndex: 1, canarySlot: "green", stableSlot: "blue" } as unknown as RolloutRecord;
      assert.deepEqual(rolloutInFlight(record), { id: "r-1", inFlight: [{ blue: 80, green: 20 }, { blue: 50, green: 50 }, { blue: 100, green: 0 }] });
    });
  });
});
