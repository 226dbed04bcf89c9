/**
 * Drift never loses what was deleted, and never exits 0 while the endpoint fails: a workload the
 * last deploy started, gone from the cloud and then dropped from state (by an accept, or by a
 * revert that failed), is still drift; so is an endpoint that does not answer.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { httpGet } from "../../components/local/http-probe";
import { isRunning, waitFor } from "../../components/local/processes";
import { runtimeCommand } from "../../components/local/runtime-api";
import { workloadMarker } from "../../components/local/workload-provider";
import { freePort } from "../support/ports";
import { createTestProject, type TestProject } from "../support/project";

interface Item {
  class: string;
  resource: string;
  type: string;
  property?: string;
  note?: string;
}

describe("engine: drift keeps what was lost", function () {
  this.timeout(300_000);
  let project: TestProject;

  before(async () => {
    project = await createTestProject("lost");
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(async () => {
    await project?.cleanup();
  });

  async function driftReport(...flags: string[]): Promise<{ code: number | null; items: Item[]; stderr: string; doc: Record<string, unknown> }> {
    const result = await project.cli("drift", "--json", ...flags);
    const doc = JSON.parse(result.stdout);
    return { code: result.code, items: (doc.items ?? []) as Item[], stderr: result.stderr, doc };
  }

  async function killGreenWorkload(): Promise<void> {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    const url = new URL(outputs.slots!.value.green.endpoint);
    const marker = workloadMarker({ service: "hello", slot: "green", port: Number(url.port) });
    const state = await (await project.open()).run("export", (s) => s.exportStack());
    const pid = state.deployment.resources.find((r: { outputs?: { slot?: string; pid?: number } }) => r.outputs?.slot === "green" && r.outputs.pid)?.outputs.pid as number;
    process.kill(pid, "SIGKILL");
    assert.ok(await waitFor(() => !isRunning(pid, marker), 5000), "the green workload is gone");
  }

  const lostGreen = (items: Item[]) => items.filter((i) => i.class === "drift" && /hello-green$/.test(i.resource) && /Workload/.test(i.type));

  it("a workload accepted as gone (--fix accept) is still drift, in both questions and with --only cloud", async () => {
    await killGreenWorkload();
    const accepted = await driftReport("--fix", "accept", "--yes");
    assert.equal(accepted.code, 0, accepted.stderr);
    for (const flags of [[], ["--only", "cloud"]]) {
      const after = await driftReport(...flags);
      assert.equal(after.code, 2, `drift ${flags.join(" ")} must not be green: ${JSON.stringify(after.items)}`);
      assert.ok(lostGreen(after.items).length >= 1, JSON.stringify(after.items));
      assert.equal(after.items.filter((i) => i.class === "pending-change" && /hello-green$/.test(i.resource)).length, 0, "not a pending change");
    }
    const reverted = await driftReport("--fix", "revert", "--yes");
    assert.equal(reverted.code, 0, reverted.stderr);
    assert.equal((await driftReport()).code, 0, "clean once the workload is back");
  });

  it("a workload dropped from state is still drift against what the last deploy left running, and revert recreates it", async () => {
    await killGreenWorkload();
    assert.equal(await project.forgetInState((r) => r.type.endsWith("local:Workload") && r.outputs?.slot === "green"), 1);
    for (const flags of [[], ["--only", "cloud"]]) {
      const after = await driftReport(...flags);
      assert.equal(after.code, 2, `drift ${flags.join(" ")} must not be green: ${JSON.stringify(after.items)}`);
      assert.equal(lostGreen(after.items).length, 1, JSON.stringify(after.items));
      assert.match(lostGreen(after.items)[0]!.note ?? "", /last successful deploy/);
      assert.equal(after.items.filter((i) => i.class === "pending-change").length, 0, "not a pending change");
    }
    const accepted = await driftReport("--fix", "accept", "--yes");
    assert.equal(accepted.code, 2, "a loss cannot be accepted away");
    const reverted = await driftReport("--fix", "revert", "--yes");
    assert.equal(reverted.code, 0, reverted.stderr);
    assert.equal((await httpGet(String((await (await project.open()).run("outputs", (s) => s.outputs())).slots!.value.green.endpoint) + "/healthz"))?.status, 200);
    assert.equal((await driftReport()).code, 0, "clean once the workload is back");
  });

  it("after a revert that failed (its port taken), drift still exits 2, and the error names the cause", async () => {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    const port = Number(new URL(outputs.slots!.value.green.endpoint).port);
    await killGreenWorkload();
    const squatter: Server = createServer((socket) => socket.destroy());
    // The killed workload's connections linger for a moment (FIN-WAIT) and hold the port.
    const listened = await waitFor(
      () => new Promise<boolean>((resolve) => {
        squatter.once("error", () => resolve(false));
        squatter.listen(port, "127.0.0.1", () => resolve(true));
      }),
      60_000,
      250,
    );
    assert.ok(listened, `could not take port ${port}`);
    try {
      const failed = await project.cli("drift", "--fix", "revert", "--yes", "--json");
      assert.equal(failed.code, 1);
      const error = JSON.parse(failed.stdout).error as { message: string };
      assert.match(error.message, new RegExp(`is port ${port} free\\?`), `the provider's own message is in the --json error: ${error.message}`);
      const after = await driftReport();
      assert.equal(after.code, 2, JSON.stringify(after.items));
      assert.ok(lostGreen(after.items).length >= 1, JSON.stringify(after.items));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    assert.equal((await driftReport("--fix", "revert", "--yes")).code, 0);
    assert.equal((await driftReport()).code, 0);
  });

  it("an endpoint that does not answer is drift even where no resource reads the cause", async () => {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    const socket = outputs.trafficSocket!.value as string;
    const backend = outputs.trafficBackend!.value as string;
    const blue = new URL(outputs.slots!.value.blue.endpoint);
    const unused = await freePort();
    const answer = await runtimeCommand(socket, `set server ${backend}/blue addr 127.0.0.1 port ${unused}`);
    assert.doesNotMatch(answer, /error|unknown/i, answer);
    try {
      assert.notEqual((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))?.status, 200, "the service no longer serves");
      const report = await driftReport();
      assert.equal(report.code, 2, JSON.stringify(report.items));
      const endpoint = report.items.find((i) => i.type === "switchyard:data-plane:Endpoint");
      assert.ok(endpoint, JSON.stringify(report.items));
      assert.equal(endpoint.property, "answers");
    } finally {
      await runtimeCommand(socket, `set server ${backend}/blue addr ${blue.hostname} port ${blue.port}`);
    }
    // HAProxy's health check takes the server back after two good checks.
    assert.ok(await waitFor(async () => (await httpGet(`http://127.0.0.1:${project.ports.listen}/`))?.status === 200, 15_000), "serving again");
  });
});
