import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isEngineCommand, markedEngineProcesses, ownerPidOf, OWNER_VAR, reapOrphans } from "../../../automation/engine-processes";
import { NODE } from "../../support/project";

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("engine processes", () => {
  it("tells engine commands from the processes the engine starts on purpose", () => {
    const table: Array<[string[], boolean]> = [
      [["/opt/x/.switchyard/tools/pulumi/bin/pulumi", "up", "--yes"], true],
      [["pulumi", "refresh"], true],
      [["/bin/sh", "/opt/x/bin/pulumi-resource-pulumi-nodejs", "127.0.0.1:1"], true],
      [["/opt/bin/pulumi-resource-aws", "127.0.0.1:1"], true],
      [["node", "/w/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:33405"], true],
      [["/usr/sbin/haproxy", "-D", "-f", "/tmp/sy-1/haproxy.cfg"], false],
      [["/w/node_modules/node/bin/node", "--import", "tsx", "/w/sample-service/server.ts", "--switchyard-workload=hello/blue/1"], false],
      [["node", "/home/me/pulumi-things/app.js"], false],
    ];
    for (const [argv, expected] of table) assert.equal(isEngineCommand(argv), expected, argv.join(" "));
  });

  it("reads the driver's pid from an owner mark", () => {
    assert.equal(ownerPidOf("1234-0a1b2c3d"), 1234);
    assert.equal(ownerPidOf("x-1"), undefined);
    assert.equal(ownerPidOf(""), undefined);
  });

  it("a driver killed with SIGKILL takes its engine processes along, and only those", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-reap-"));
    // Stand-ins: an "engine plugin" (named like one) and a "workload", both started by the driver
    // with its engine environment, each in a process group of its own as the real ones are.
    const plugin = path.join(dir, "pulumi-resource-fake");
    symlinkSync(execFileSync("sh", ["-c", "command -v sleep"], { encoding: "utf8" }).trim(), plugin);
    const driverScript = `
      const { spawn } = require("node:child_process");
      const { engineOwnerMark, OWNER_VAR } = require(${JSON.stringify(path.resolve(__dirname, "../../../automation/engine-processes.ts"))});
      const env = { ...process.env, [OWNER_VAR]: engineOwnerMark() };
      const a = spawn(${JSON.stringify(plugin)}, ["300"], { env, detached: true, stdio: "ignore" });
      const b = spawn("sleep", ["300"], { env, detached: true, stdio: "ignore" });
      console.log(JSON.stringify({ plugin: a.pid, workload: b.pid }));
      setInterval(() => {}, 1000);`;
    const driver = spawn(NODE, ["--import", "tsx", "-e", driverScript], { stdio: ["ignore", "pipe", "inherit"] });
    let pids: { plugin: number; workload: number } | undefined;
    try {
      const line = await new Promise<string>((resolve, reject) => {
        driver.stdout!.once("data", (chunk) => resolve(String(chunk)));
        driver.once("exit", () => reject(new Error("the driver stand-in exited")));
      });
      pids = JSON.parse(line) as { plugin: number; workload: number };
      await until(() => markedEngineProcesses().some((p) => p.pid === pids!.plugin), "the plugin to run");
      assert.ok(running(pids.workload));
      driver.kill("SIGKILL");
      await until(() => !running(pids!.plugin), "the watchdog to stop the plugin");
      assert.ok(running(pids.workload), "a process the engine started on purpose is left running");
      assert.ok(!markedEngineProcesses().some((p) => p.pid === pids!.plugin));
      assert.ok(process.env[OWNER_VAR] === undefined, "the test's own environment is not marked");
    } finally {
      driver.kill("SIGKILL");
      for (const pid of [pids?.plugin, pids?.workload]) if (pid) try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("a starting driver reaps engine processes whose driver is gone, and no others", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-reap-"));
    const plugin = path.join(dir, "pulumi-resource-fake");
    symlinkSync(execFileSync("sh", ["-c", "command -v sleep"], { encoding: "utf8" }).trim(), plugin);
    // A driver that is gone: a process that ran and exited (its pid is free again).
    const gone = spawn("true");
    await new Promise((resolve) => gone.on("exit", resolve));
    const orphan = spawn(plugin, ["300"], { env: { ...process.env, [OWNER_VAR]: `${gone.pid}-00ff00ff` }, detached: true, stdio: "ignore" });
    const owned = spawn(plugin, ["300"], { env: { ...process.env, [OWNER_VAR]: `${process.pid}-00ff00ff` }, detached: true, stdio: "ignore" });
    try {
      await until(() => markedEngineProcesses().filter((p) => p.pid === orphan.pid || p.pid === owned.pid).length === 2, "both to run");
      const reaped = reapOrphans();
      assert.ok(reaped.includes(orphan.pid!), `reaped ${JSON.stringify(reaped)}`);
      assert.ok(!reaped.includes(owned.pid!), "a live driver's engine process is kept");
      await until(() => !running(orphan.pid!), "the orphan to end");
      assert.ok(running(owned.pid!));
    } finally {
      for (const child of [orphan, owned]) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
