/** The pure decisions of the local providers' read-back: what a found value means for an update. */
import assert from "node:assert/strict";
import { newKeysOnlyWhenFaulty } from "../../../components/local/dynamic";
import { configDigest } from "../../../components/local/haproxy-config";
import { renderInstanceConfig, repairReasons, type HaproxyInstanceInputs, type HaproxyInstanceOutputs } from "../../../components/local/haproxy-instance-provider";
import { pidOf } from "../../../components/local/haproxy-weights-provider";
import { healthAnswerOf, restartReasons, type WorkloadInputs, type WorkloadOutputs } from "../../../components/local/workload-provider";

const workload: WorkloadInputs = {
  service: "hello",
  slot: "green",
  version: "1.1.0",
  address: "127.0.0.1",
  port: 20002,
  failureRate: 0,
  latencyMs: 0,
  runDir: "/tmp/run",
  entry: "/srv/server.ts",
  node: "/usr/bin/node",
};
const healthyWorkload: WorkloadOutputs = { ...workload, pid: 42, url: "http://127.0.0.1:20002", process: "running", listening: true, answers: { version: "1.1.0", slot: "green" } };

describe("workload read-back: why an update restarts it", () => {
  const cases: [string, Partial<WorkloadOutputs>, string[]][] = [
    ["healthy", {}, []],
    ["answer with its keys in another order", { answers: { slot: "green", version: "1.1.0" } as never }, []],
    ["state written before read-back existed", { process: undefined, listening: undefined, answers: undefined }, []],
    ["killed", { process: "gone", listening: false, answers: null }, ["process", "listening", "answers"]],
    ["stopped (SIGSTOP)", { process: "stopped", answers: null }, ["process", "answers"]],
    ["a foreign process on its port", { process: "gone", listening: false, answers: { version: "6.6.6", slot: "green" } }, ["process", "listening", "answers"]],
    ["another slot answers on its port", { answers: { version: "1.1.0", slot: "blue" } }, ["answers"]],
  ];
  for (const [name, found, reasons] of cases) {
    it(`${name}: ${reasons.join(", ") || "no restart"}`, () => assert.deepEqual(restartReasons({ ...healthyWorkload, ...found }, workload), reasons));
  }
});

describe("workload read-back: what answers on /healthz", () => {
  const cases: [string, { status: number; body: string } | undefined, unknown][] = [
    ["the sample service", { status: 200, body: '{"status":"ok","service":"hello","version":"1.1.0","slot":"green"}' }, { version: "1.1.0", slot: "green" }],
    ["nothing", undefined, null],
    ["an error status", { status: 503, body: '{"version":"1.1.0","slot":"green"}' }, null],
    ["not JSON", { status: 200, body: "<html>ok</html>" }, null],
    ["JSON without version", { status: 200, body: '{"slot":"green"}' }, null],
  ];
  for (const [name, res, answer] of cases) {
    it(`${name} → ${JSON.stringify(answer)}`, () => assert.deepEqual(healthAnswerOf(res), answer));
  }
});

const instance: HaproxyInstanceInputs = {
  service: "hello",
  listenAddress: "127.0.0.1",
  listenPort: 20000,
  servers: [
    { name: "blue", address: "127.0.0.1", port: 20001 },
    { name: "green", address: "127.0.0.1", port: 20002 },
  ],
  healthCheckPath: "/healthz",
  runDir: "/tmp/run",
  haproxy: "/usr/sbin/haproxy",
};

describe("HAProxy read-back: why an update reloads it", () => {
  const healthy = (digest: string): Partial<HaproxyInstanceOutputs> => ({ ...instance, pid: 7, process: "running", listening: true, configDigest: digest });

  it("a file equal to what the inputs render is no reason; any other is configDigest", () => {
    assert.deepEqual(repairReasons(healthy(configDigest(renderInstanceConfig(instance))), instance), []);
    const other = configDigest("global\n");
    assert.deepEqual(repairReasons(healthy(other), instance), ["configDigest"]);
    assert.deepEqual(repairReasons(healthy("missing"), instance), ["configDigest"]);
  });

  const cases: [string, Partial<HaproxyInstanceOutputs>, string[]][] = [
    ["state written before read-back existed", { process: undefined, listening: undefined, configDigest: undefined }, []],
    ["killed", { process: "gone", listening: false, configDigest: undefined }, ["process", "listening"]],
    ["stopped", { process: "stopped", listening: false, configDigest: undefined }, ["process", "listening"]],
    ["frontend disabled", { listening: false, configDigest: undefined }, ["listening"]],
  ];
  for (const [name, found, reasons] of cases) {
    it(`${name}: ${reasons.join(", ") || "no reload"}`, () => assert.deepEqual(repairReasons({ ...healthy("x"), ...found }, instance), reasons));
  }
});

describe("weights read-back: the HAProxy process that answers", () => {
  it("reads Pid from show info", () => assert.equal(pidOf("Name: HAProxy\nVersion: 2.6.12\nPid: 4242\nUptime: 0d 0h00m05s\n"), 4242));
  it("is 0 without one", () => assert.equal(pidOf("Unknown command\n"), 0));
});

describe("read-back on a state written before read-back existed", () => {
  const healthy = { process: "running", listening: true };
  const cases: [string, object, object, object][] = [
    ["healthy: nothing new reported, so a refresh changes nothing", { pid: 1 }, { pid: 1, process: "running", listening: true }, { pid: 1 }],
    ["a fault is reported", { pid: 1 }, { pid: 1, process: "gone", listening: false }, { pid: 1, process: "gone", listening: false }],
    ["only the faulty key", { pid: 1 }, { pid: 1, process: "running", listening: false }, { pid: 1, listening: false }],
    ["a state that has the keys gets them all", { pid: 1, process: "running", listening: true }, { pid: 1, process: "running", listening: true }, { pid: 1, process: "running", listening: true }],
  ];
  for (const [name, state, found, reported] of cases) {
    it(name, () => assert.deepEqual(newKeysOnlyWhenFaulty(state as never, found as never, healthy as never), reported));
  }
});
