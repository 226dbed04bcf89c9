/** A zombie is no live holder: a dead engine's lock must not outlive it for want of a reaper. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { pidRunning } from "../../../automation/pid";
import { waitFor } from "../../../components/local/processes";

describe("pidRunning", function () {
  this.timeout(10_000);

  it("a running process runs", () => {
    assert.equal(pidRunning(process.pid), true);
  });

  it("a process that exited and that nobody reaps (a zombie) does not run", async () => {
    // `sleep 0` exits at once; its parent then becomes `sleep 5` (exec), which never waits for it.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 5"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once("data", (chunk) => resolve(String(chunk).trim()))));
      const isZombie = () => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
        } catch {
          return false;
        }
      };
      assert.ok(await waitFor(isZombie, 3000), `pid ${pid} became a zombie`);
      assert.doesNotThrow(() => process.kill(pid, 0), "kill(pid, 0) still finds it");
      assert.equal(pidRunning(pid), false);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("a pid that is gone does not run", async () => {
    const child = spawn("true", { stdio: "ignore" });
    await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(pidRunning(child.pid!), false);
  });
});
