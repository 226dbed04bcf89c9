/** The local target's leftovers: processes with this stack's markers, and ports still listened on. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { findLeftovers, markersOf, portsStillListening, stopLeftovers, type LocalFootprint } from "../../../automation/local/leftovers";
import { isRunning, waitFor } from "../../../components/local/processes";
import { workloadMarker } from "../../../components/local/workload-provider";
import { freePorts } from "../../support/ports";

describe("local leftovers", function () {
  this.timeout(20_000);
  // A region's footprint: HAProxy and both slots.
  let footprint: LocalFootprint & { ports: { listen: number; blue: number; green: number } };
  let runDir: string;

  beforeEach(async () => {
    const [listen, blue, green] = (await freePorts(3)) as [number, number, number];
    runDir = mkdtempSync(path.join(tmpdir(), "sy-left-"));
    footprint = { service: `svc${listen}`, address: "127.0.0.1", ports: { listen, blue, green }, runDir };
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  it("finds and stops a process that carries this stack's workload marker, and no other", async () => {
    const idle = ["-e", "setInterval(() => {}, 1000)", "--"];
    const ours = spawn(process.execPath, [...idle, workloadMarker({ service: footprint.service, slot: "green", port: footprint.ports.green })], { stdio: "ignore" });
    const other = spawn(process.execPath, [...idle, workloadMarker({ service: "someone-else", slot: "green", port: footprint.ports.green })], { stdio: "ignore" });
    try {
      // Their command lines are theirs once they have exec'd.
      const execd = (pid: number | undefined) => isRunning(pid, "--switchyard-workload");
      assert.ok(await waitFor(() => execd(ours.pid) && execd(other.pid), 5000), "both started");
      assert.deepEqual(findLeftovers(footprint).map((l) => [l.pid, l.what]), [[ours.pid, `workload ${footprint.service}/green`]]);
      const stopped = await stopLeftovers(footprint);
      assert.equal(stopped.length, 1);
      assert.equal(isRunning(ours.pid, "--switchyard-workload"), false);
      assert.equal(isRunning(other.pid, "--switchyard-workload"), true, "another stack's process is left alone");
    } finally {
      ours.kill("SIGKILL");
      other.kill("SIGKILL");
    }
  });

  it("names the stack's ports that something still listens on", async () => {
    assert.deepEqual(await portsStillListening(footprint), []);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(footprint.ports.blue, "127.0.0.1", resolve));
    try {
      assert.deepEqual(await portsStillListening(footprint), [footprint.ports.blue]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a two-region stack's front has no slots: only its HAProxy and its own port count", async () => {
    const front: LocalFootprint = { service: footprint.service, address: "127.0.0.1", ports: { listen: footprint.ports.listen }, runDir: path.join(runDir, "front") };
    assert.deepEqual(markersOf(front), [{ marker: path.join(runDir, "front", "haproxy.cfg"), what: `HAProxy of ${footprint.service}` }]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(footprint.ports.listen, "127.0.0.1", resolve));
    try {
      assert.deepEqual(await portsStillListening(front), [footprint.ports.listen]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
