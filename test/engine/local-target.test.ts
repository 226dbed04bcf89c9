/**
 * The real engine against the local target: deploy, refresh sees changes made behind Pulumi's
 * back, deploy restores them, destroy leaves nothing running.
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { httpGet } from "../../components/local/http-probe";
import { isRunning } from "../../components/local/processes";
import { readServers, setWeight } from "../../components/local/runtime-api";
import { workloadMarker } from "../../components/local/workload-provider";
import { createTestProject, type TestProject } from "../support/project";

interface Outputs {
  endpoint: string;
  trafficSocket: string;
  trafficBackend: string;
}

/** What a refresh found per resource name (update, delete), from its outputs events. */
function plannedOps(events: EngineEvent[]): Record<string, string> {
  const ops: Record<string, string> = {};
  for (const event of events) {
    const meta = event.resOutputsEvent?.metadata;
    if (meta && meta.op !== "same") ops[meta.urn.split("::").pop()!] = meta.op;
  }
  return ops;
}

async function previewRefreshOps(project: TestProject): Promise<Record<string, string>> {
  const opened = await project.open();
  const events: EngineEvent[] = [];
  await opened.run("previewRefresh", (stack) => stack.previewRefresh({ onEvent: (e) => events.push(e) }));
  return plannedOps(events);
}

async function workloadPid(project: TestProject, slot: string): Promise<number> {
  const opened = await project.open();
  const state = await opened.run("export", (s) => s.exportStack());
  const workload = state.deployment.resources.find((r: { type: string; outputs?: { slot?: string } }) => r.type === "pulumi-nodejs:dynamic/local:Workload" && r.outputs?.slot === slot);
  return workload.outputs.pid;
}

describe("engine: local target", function () {
  this.timeout(180_000);
  let project: TestProject;
  let outputs: Outputs;

  before(async () => {
    project = await createTestProject("engine-local");
  });
  after(async () => {
    await project?.cleanup();
  });

  it("deploys the sample service behind HAProxy with the configured weights", async () => {
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "success");
    assert.deepEqual(report.environments.map((e: { traffic_percentage: number }) => e.traffic_percentage), [100, 0]);
    outputs = (await (await project.open()).run("outputs", (s) => s.outputs())) as unknown as Outputs;
    outputs = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, (v as { value: unknown }).value])) as unknown as Outputs;
    for (let i = 0; i < 5; i++) {
      const res = await httpGet(`${outputs.endpoint}/`);
      assert.equal(res?.status, 200);
      assert.equal(JSON.parse(res!.body).slot, "blue");
    }
  });

  it("previewRefresh finds no change right after the deploy", async () => {
    assert.deepEqual(await previewRefreshOps(project), {});
  });

  it("previewRefresh reports a weight changed and a workload killed behind Pulumi's back", async () => {
    await setWeight(outputs.trafficSocket, outputs.trafficBackend, "green", 40);
    const greenPid = await workloadPid(project, "green");
    process.kill(greenPid, "SIGKILL");
    const marker = workloadMarker({ service: "hello", slot: "green", port: project.ports.green });
    while (isRunning(greenPid, marker)) await new Promise((r) => setTimeout(r, 20));

    const ops = await previewRefreshOps(project);
    assert.equal(ops["hello-traffic-weights"], "update", JSON.stringify(ops));
    // The workload stays in state with its read-back (process gone), so a failed repair cannot forget it.
    assert.equal(ops["hello-green"], "update", JSON.stringify(ops));
    assert.equal(ops["hello-blue"], undefined, "the running blue workload is unchanged");
  });

  it("deploy restores both", async () => {
    const result = await project.cli("deploy");
    assert.equal(result.code, 0, result.stderr);
    const servers = await readServers(outputs.trafficSocket, outputs.trafficBackend, ["blue", "green"]);
    assert.deepEqual(servers, { blue: { weight: 100, adminState: "ready" }, green: { weight: 0, adminState: "ready" } });
    const greenPid = await workloadPid(project, "green");
    assert.ok(isRunning(greenPid, workloadMarker({ service: "hello", slot: "green", port: project.ports.green })));
    const green = await httpGet(`http://127.0.0.1:${project.ports.green}/healthz`);
    assert.equal(green?.status, 200);
    assert.deepEqual(await previewRefreshOps(project), {});
  });

  it("destroy leaves no process behind", async () => {
    const opened = await project.open();
    const state = await opened.run("export", (s) => s.exportStack());
    const pids = state.deployment.resources
      .filter((r: { outputs?: { pid?: number } }) => r.outputs?.pid)
      .map((r: { outputs: { pid: number; configPath?: string; service: string; slot?: string; port?: number } }) => ({
        pid: r.outputs.pid,
        marker: r.outputs.configPath ?? workloadMarker({ service: r.outputs.service, slot: r.outputs.slot!, port: r.outputs.port! }),
      }));
    assert.equal(pids.length, 3, "HAProxy and two workloads");
    await opened.run("destroy", (stack) => stack.destroy());
    for (const { pid, marker } of pids) assert.equal(isRunning(pid, marker), false, `pid ${pid} (${marker}) still runs`);
    assert.equal(await httpGet(`${outputs.endpoint}/`, 500), undefined, "nothing listens on the endpoint");
  });
});
