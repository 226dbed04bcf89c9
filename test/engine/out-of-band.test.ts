/**
 * Out-of-band changes to a deployed local stack, one row each: every one is drift (exit 2,
 * resource and property named), and `drift --fix revert` or `deploy` puts it back so that the
 * endpoint answers from the slot that should serve. One stack serves every row: each repair
 * leaves it healthy, and the row checks that drift is clean again before the next one.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { drift, type DriftResult } from "../../automation/commands/drift";
import type { CommandContext } from "../../automation/commands/context";
import { httpGet } from "../../components/local/http-probe";
import { processState } from "../../components/local/procfs";
import { isRunning, waitFor } from "../../components/local/processes";
import { runtimeCommand, setAdminState, setWeight } from "../../components/local/runtime-api";
import { workloadMarker } from "../../components/local/workload-provider";
import { freePort } from "../support/ports";
import { createTestProject, NODE, type TestProject } from "../support/project";

const ENGINE_ENV = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"] as const;
const HAPROXY = "hello-traffic-haproxy";
const WEIGHTS = "hello-traffic-weights";
const GREEN = "hello-green";
/** The endpoint pseudo-resource's item, named by its URL at run time. */
const ENDPOINT = "ENDPOINT answers";

interface Live {
  readonly project: TestProject;
  readonly socket: string;
  readonly backend: string;
  readonly haproxy: { pid: number; configPath: string };
  readonly green: { pid: number; marker: string };
}

type Undo = () => Promise<void> | void;

interface Case {
  readonly name: string;
  /** Makes the change; what it returns is undone after the row, pass or fail. */
  readonly act: (live: Live) => Promise<Undo | void>;
  /** `resource property` of every drift item, sorted. */
  readonly drift: readonly string[];
  /** How the row repairs it. */
  readonly repair: "revert" | "deploy";
  /** What the repair's failure says, when it must fail first (then `undo` runs and it is repaired again). */
  readonly repairFailsFirst?: RegExp;
}

/** A process that is not ours answering /healthz on `port` as another version of the service. */
function foreignService(port: number): ChildProcess {
  const script = `require("node:http").createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end(JSON.stringify({ status: "ok", service: "hello", version: "6.6.6", slot: "green" })); }).listen(${port}, "127.0.0.1");`;
  return spawn(NODE, ["-e", script], { stdio: "ignore" });
}

async function killAndWait(pid: number, marker: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  process.kill(pid, signal);
  assert.ok(await waitFor(() => !isRunning(pid, marker), 10_000), `pid ${pid} still runs`);
}

const CASES: readonly Case[] = [
  {
    name: "a server's port changed through the runtime API (every request 503)",
    act: async ({ socket, backend }) => void (await runtimeCommand(socket, `set server ${backend}/blue addr 127.0.0.1 port ${await freePort()}`)),
    drift: [ENDPOINT, `${HAPROXY} servers[0].port`],
    repair: "revert",
  },
  {
    name: "a server's address changed through the runtime API",
    act: async ({ socket, backend }) => void (await runtimeCommand(socket, `set server ${backend}/green addr 127.0.0.2`)),
    drift: [`${HAPROXY} servers[1].address`],
    repair: "revert",
  },
  {
    name: "the serving server set to maint",
    act: ({ socket, backend }) => setAdminState(socket, backend, "blue", "maint"),
    drift: [ENDPOINT, `${WEIGHTS} adminState.blue`],
    repair: "deploy",
  },
  {
    name: "the serving server set to drain",
    act: ({ socket, backend }) => setAdminState(socket, backend, "blue", "drain"),
    drift: [ENDPOINT, `${WEIGHTS} adminState.blue`],
    repair: "revert",
  },
  {
    name: "the serving server's health check disabled and the server forced DOWN (holds for good)",
    act: async ({ socket, backend }) => {
      await runtimeCommand(socket, `disable health ${backend}/blue`);
      await runtimeCommand(socket, `set server ${backend}/blue health down`);
    },
    drift: [ENDPOINT, `${WEIGHTS} healthChecks.blue`],
    repair: "deploy",
  },
  {
    name: "a weight changed through the runtime API",
    act: ({ socket, backend }) => setWeight(socket, backend, "green", 50),
    drift: [`${WEIGHTS} weights.green`],
    repair: "revert",
  },
  {
    name: "the frontend disabled through the runtime API",
    act: async ({ socket }) => void (await runtimeCommand(socket, "disable frontend fe_hello")),
    drift: [ENDPOINT, `${HAPROXY} listening`],
    repair: "revert",
  },
  {
    name: "haproxy.cfg edited on disk (a server line changed)",
    act: async ({ haproxy, project }) => {
      const text = readFileSync(haproxy.configPath, "utf8");
      const edited = text.replace(`127.0.0.1:${project.ports.blue}`, `127.0.0.1:${project.ports.blue + 1}`);
      assert.notEqual(edited, text, "the blue server line is in the file");
      writeFileSync(haproxy.configPath, edited);
    },
    drift: [`${HAPROXY} configDigest`],
    repair: "revert",
  },
  {
    name: "haproxy.cfg deleted",
    act: async ({ haproxy }) => rmSync(haproxy.configPath),
    drift: [`${HAPROXY} configDigest`],
    repair: "deploy",
  },
  {
    name: "HAProxy killed",
    act: ({ haproxy }) => killAndWait(haproxy.pid, haproxy.configPath),
    drift: [ENDPOINT, `${HAPROXY} listening`, `${HAPROXY} process`, `${WEIGHTS} instancePid`],
    repair: "deploy",
  },
  {
    name: "a workload killed",
    act: ({ green }) => killAndWait(green.pid, green.marker),
    drift: [`${GREEN} answers`, `${GREEN} listening`, `${GREEN} process`],
    repair: "revert",
  },
  {
    name: "a workload replaced by a foreign process on its port, answering another version",
    act: async ({ green, project }) => {
      await killAndWait(green.pid, green.marker);
      const foreign = foreignService(project.ports.green);
      assert.ok(await waitFor(async () => (await httpGet(`http://127.0.0.1:${project.ports.green}/healthz`, 500))?.status === 200, 10_000));
      return async () => {
        if (foreign.exitCode !== null || foreign.signalCode !== null) return;
        const exited = new Promise((resolve) => foreign.once("exit", resolve));
        foreign.kill("SIGKILL");
        await exited;
      };
    },
    drift: [`${GREEN} answers.version`, `${GREEN} listening`, `${GREEN} process`],
    repair: "revert",
    repairFailsFirst: /is port \d+ free/,
  },
  {
    name: "a workload stopped with SIGSTOP (holds its port, answers nothing)",
    act: async ({ green }) => {
      process.kill(green.pid, "SIGSTOP");
      assert.ok(await waitFor(() => processState(green.pid, green.marker) === "stopped", 10_000));
      // Whatever happens in the row, never leave a stopped process behind.
      return () => {
        if (isRunning(green.pid, green.marker)) process.kill(green.pid, "SIGKILL");
      };
    },
    drift: [`${GREEN} answers`, `${GREEN} process`],
    repair: "deploy",
  },
];

describe("engine: out-of-band changes to the local target are drift, and revert or deploy repairs them", function () {
  this.timeout(600_000);
  let project: TestProject;
  const saved: Partial<Record<(typeof ENGINE_ENV)[number], string | undefined>> = {};

  const ctx = (progress: (line: string) => void = () => {}): CommandContext => ({ stack: project.stackName, json: true, yes: true, workDir: project.workDir, progress });
  const items = (result: DriftResult) => result.report.items.map((i) => `${i.class} ${i.resource} ${i.property ?? "-"}`).sort();

  async function live(): Promise<Live> {
    const opened = await project.open();
    const outputs = await opened.run("outputs", (s) => s.outputs());
    const state = await opened.run("export", (s) => s.exportStack());
    type Res = { type: string; urn: string; outputs: Record<string, unknown> };
    const resources = state.deployment.resources as Res[];
    const named = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs;
    const haproxy = named(HAPROXY);
    const green = named(GREEN);
    return {
      project,
      socket: outputs.trafficSocket!.value,
      backend: outputs.trafficBackend!.value,
      haproxy: { pid: haproxy.pid as number, configPath: haproxy.configPath as string },
      green: { pid: green.pid as number, marker: workloadMarker({ service: "hello", slot: "green", port: project.ports.green }) },
    };
  }

  /** What a user checks: the endpoint answers 200 from blue (all traffic on blue), green answers as 1.1.0. */
  async function assertServing(): Promise<void> {
    const endpoint = `http://127.0.0.1:${project.ports.listen}/`;
    for (let i = 0; i < 6; i++) {
      const res = await httpGet(endpoint);
      assert.equal(res?.status, 200, `request ${i}: ${res?.status} ${res?.body}`);
      assert.equal(JSON.parse(res!.body).slot, "blue");
    }
    const green = await httpGet(`http://127.0.0.1:${project.ports.green}/healthz`);
    assert.deepEqual(JSON.parse(green?.body ?? "{}").version, "1.1.0");
  }

  async function repair(how: Case["repair"]): Promise<void> {
    if (how === "deploy") {
      const deployed = await project.cli("deploy", "--json");
      assert.equal(deployed.code, 0, deployed.stderr.slice(-2000));
    } else {
      const reverted = await drift(ctx(), { fix: "revert" });
      assert.equal(reverted.exitCode, 0, JSON.stringify(reverted.report.items));
      assert.equal(reverted.report.summary.status, "reverted");
    }
  }

  before(async () => {
    project = await createTestProject("oob");
    for (const key of ENGINE_ENV) {
      saved[key] = process.env[key];
      process.env[key] = project.env[key];
    }
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    await assertServing();
    const clean = await drift(ctx(), {});
    assert.deepEqual(items(clean), [], JSON.stringify(clean.report.items, null, 1));
  });

  after(async () => {
    await project?.cleanup();
    for (const key of ENGINE_ENV) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  for (const c of CASES) {
    it(`${c.name}: drift exits 2 naming ${c.drift.join(", ")}; ${c.repair} repairs it`, async () => {
      let undo: Undo | void = undefined;
      let passed = false;
      try {
        undo = await c.act(await live());
        const found = await drift(ctx(), {});
        assert.equal(found.exitCode, 2, JSON.stringify(found.report.items));
        const endpoint = `http://127.0.0.1:${project.ports.listen}`;
        assert.deepEqual(items(found), c.drift.map((d) => `drift ${d.replace("ENDPOINT", endpoint)}`).sort());

        if (c.repairFailsFirst) {
          // The provider's own message (the cause) is in the engine's progress output.
          let progress = "";
          await assert.rejects(drift(ctx((line) => (progress += line)), { fix: "revert" }), /revert of stack "oob" failed/);
          assert.match(progress, c.repairFailsFirst);
          // The failed repair must not have made the problem look fixed or pending.
          const still = await drift(ctx(), {});
          assert.equal(still.exitCode, 2, JSON.stringify(still.report.items));
          assert.ok(still.report.items.every((i) => i.class === "drift" && i.resource === GREEN), JSON.stringify(still.report.items));
          await undo?.();
          undo = undefined;
        }
        await repair(c.repair);
        await assertServing();
        const after = await drift(ctx(), {});
        assert.equal(after.exitCode, 0, JSON.stringify(after.report.items));
        assert.deepEqual(items(after), []);
        passed = true;
      } finally {
        await undo?.();
        // A failed row must not fail the rows after it: put the stack back as best it can be.
        if (!passed) await project.cli("deploy");
      }
    });
  }
});
