/**
 * `drift` against the real engine on the local target: changes behind Pulumi's back through
 * HAProxy's runtime API and by killing a workload, config edits, ignore rules, a rollout in
 * progress, and both fixes. Runs the command in-process (the CLI wiring is the lead's).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { drift, type DriftFlags, type DriftResult } from "../../automation/commands/drift";
import type { CommandContext } from "../../automation/commands/context";
import { ConfigError } from "../../model/errors";
import type { DriftItem } from "../../automation/drift/model";
import { ROLLOUT_KEY } from "../../automation/rollout/record";
import { writeStackConfig } from "../support/edit-stack-file";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { httpGet } from "../../components/local/http-probe";
import { isRunning, waitFor } from "../../components/local/processes";
import { readServers, setAdminState, setWeight } from "../../components/local/runtime-api";
import { workloadMarker } from "../../components/local/workload-provider";
import { rolloutRecord } from "../unit/drift/fixtures";
import { createTestProject, type TestProject } from "../support/project";

const ENGINE_ENV = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"] as const;
const WEIGHTS = "pulumi-nodejs:dynamic/local:HaproxyWeights";

describe("engine: drift on the local target", function () {
  this.timeout(240_000);
  let project: TestProject;
  let socket: string;
  let backend: string;
  const saved: Partial<Record<(typeof ENGINE_ENV)[number], string | undefined>> = {};

  const ctx = (yes = true): CommandContext => ({ stack: project.stackName, json: true, yes, workDir: project.workDir, progress: () => {} });
  const check = (flags: DriftFlags = {}, yes = true): Promise<DriftResult> => drift(ctx(yes), flags);
  const summary = (items: readonly DriftItem[]) => items.map((i) => `${i.class} ${i.resource} ${i.property ?? "-"}`).sort();
  const live = () => readServers(socket, backend, ["blue", "green"]);
  const ignoreRules = (ignore: object[] | undefined) => writeStackConfig(project.workDir, project.stackName, { drift: ignore && { ignore } });

  before(async () => {
    project = await createTestProject("drift");
    // The command reads the backend and passphrase from the environment, as under the CLI.
    for (const key of ENGINE_ENV) {
      saved[key] = process.env[key];
      process.env[key] = project.env[key];
    }
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    socket = outputs.trafficSocket!.value;
    backend = outputs.trafficBackend!.value;
  });

  after(async () => {
    ignoreRules(undefined);
    await project?.cleanup();
    for (const key of ENGINE_ENV) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it("a stack with no drift exits 0, five runs in a row, and writes its Markdown and JUnit reports", async () => {
    const markdown = path.join(project.workDir, "out", "drift.md");
    const junit = path.join(project.workDir, "out", "drift.xml");
    for (let run = 0; run < 5; run++) {
      const { report, exitCode } = await check({ markdown, junit });
      assert.equal(exitCode, 0, JSON.stringify(report.items));
      assert.deepEqual(report.items, []);
      assert.equal(report.summary.status, "clean");
    }
    assert.match(readFileSync(markdown, "utf8"), /no drift/);
    assert.match(readFileSync(junit, "utf8"), /tests="6" failures="0"/);
  });

  it("an out-of-band weight change is drift (exit 2): resource, path, value in state and value found", async () => {
    await setWeight(socket, backend, "green", 40);
    const { report, exitCode } = await check();
    assert.equal(exitCode, 2);
    assert.deepEqual(report.items, [
      {
        class: "drift",
        source: "cloud",
        urn: report.items[0]!.urn,
        type: WEIGHTS,
        resource: "hello-traffic-weights",
        operation: "update",
        property: "weights.green",
        state_value: 0,
        found_value: 40,
      },
    ]);
  });

  it("declining the confirmation of a fix changes nothing (exit 2)", async () => {
    await setWeight(socket, backend, "green", 40);
    let asked = "";
    const { report, exitCode } = await check({ fix: "revert", confirm: async (q) => ((asked = q), false) }, false);
    assert.match(asked, /revert 1 drifted resource\(s\) of stack "drift" to the declared state \(update hello-traffic-weights\)\?/);
    assert.equal(exitCode, 2);
    assert.equal(report.summary.status, "cancelled");
    assert.equal((await live()).green!.weight, 40);
  });

  it("--fix revert puts the cloud back to the declared state; drift then exits 0", async () => {
    const { report, exitCode } = await check({ fix: "revert" });
    assert.equal(exitCode, 0);
    assert.equal(report.summary.status, "reverted");
    assert.equal(report.fix?.applied, true);
    assert.deepEqual(await live(), { blue: { weight: 100, adminState: "ready" }, green: { weight: 0, adminState: "ready" } });
    assert.equal((await check()).exitCode, 0);
  });

  it("a server set to maintenance through the socket is drift; an ignore rule silences it until it expires", async () => {
    await setAdminState(socket, backend, "green", "maint");
    let result = await check();
    assert.equal(result.exitCode, 2);
    assert.deepEqual(summary(result.report.items), ["drift hello-traffic-weights adminState.green"]);
    assert.deepEqual([result.report.items[0]!.state_value, result.report.items[0]!.found_value], ["ready", "maint"]);

    ignoreRules([{ type: WEIGHTS, path: "adminState.green", reason: "green drained for a kernel patch" }]);
    result = await check();
    assert.equal(result.exitCode, 0);
    assert.deepEqual(summary(result.report.items), ["ignored hello-traffic-weights adminState.green"]);
    assert.equal(result.report.items[0]!.note, "green drained for a kernel patch");

    ignoreRules([{ type: WEIGHTS, path: "adminState", reason: "until the patch window ends", expires: "2099-12-31" }]);
    assert.equal((await check()).exitCode, 0);

    ignoreRules([{ type: WEIGHTS, path: "adminState", reason: "patch window", expires: "2026-01-31" }]);
    result = await check({ now: new Date("2026-02-01T00:00:00Z") });
    assert.equal(result.exitCode, 2, "an expired rule alarms again");
    assert.equal(result.report.items[0]!.class, "drift");
    assert.match(result.report.items[0]!.note!, /expired on 2026-01-31: patch window/);
    assert.equal((await check({ now: new Date("2026-01-31T23:59:00Z") })).exitCode, 0, "the rule holds through its last day");
  });

  it("--fix accept takes the cloud's value into state and says what code keeps it; drift then exits 0", async () => {
    ignoreRules(undefined);
    const { report, exitCode } = await check({ fix: "accept" });
    assert.equal(exitCode, 0);
    assert.equal(report.summary.status, "accepted");
    assert.match(report.fix!.follow_up.join("\n"), /adminState\.green is maint: no config key sets it/);
    const after = await check();
    assert.equal(after.exitCode, 0);
    // State holds maint now; the program still declares ready: that is code, not drift.
    assert.deepEqual(summary(after.report.items), ["pending-change hello-traffic-weights adminState.green"]);
    const restored = await project.cli("deploy");
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal((await live()).green!.adminState, "ready");
  });

  it("a killed workload is drift of its read-back (process, port, answer); revert starts it again", async () => {
    const state = await (await project.open()).run("export", (s) => s.exportStack());
    const green = state.deployment.resources.find((r: { type: string; outputs?: { slot?: string } }) => r.type === "pulumi-nodejs:dynamic/local:Workload" && r.outputs?.slot === "green");
    const marker = workloadMarker({ service: "hello", slot: "green", port: project.ports.green });
    process.kill(green.outputs.pid, "SIGKILL");
    assert.ok(await waitFor(() => !isRunning(green.outputs.pid, marker), 10_000));

    const found = await check();
    assert.equal(found.exitCode, 2);
    assert.deepEqual(summary(found.report.items), ["drift hello-green answers", "drift hello-green listening", "drift hello-green process"]);
    assert.equal(found.report.items.find((i) => i.property === "process")!.found_value, "gone");

    const fixed = await check({ fix: "revert" });
    assert.equal(fixed.exitCode, 0);
    assert.equal((await httpGet(`http://127.0.0.1:${project.ports.green}/healthz`))?.status, 200);
    assert.equal((await check()).exitCode, 0);
  });

  it("accepting out-of-band weights names the switchyard:traffic change; with it made, nothing is left", async () => {
    await setWeight(socket, backend, "blue", 60);
    await setWeight(socket, backend, "green", 40);
    const { report, exitCode } = await check({ fix: "accept" });
    assert.equal(exitCode, 0);
    assert.deepEqual(report.fix!.follow_up, ["switchyard:traffic: set blue 60, green 40"]);
    const pending = await check();
    assert.equal(pending.exitCode, 0);
    assert.deepEqual(summary(pending.report.items), ["pending-change hello-traffic-weights weights.blue", "pending-change hello-traffic-weights weights.green"]);
    writeStackConfig(project.workDir, project.stackName, { traffic: { blue: 60, green: 40 } });
    const clean = await check();
    assert.deepEqual(clean.report.items, []);
    assert.equal(clean.exitCode, 0);
  });

  it("an edited config value is a pending change (exit 0), not drift", async () => {
    writeStackConfig(project.workDir, project.stackName, { slots: { blue: { version: "1.0.0" }, green: { version: "1.2.0" } } });
    const { report, exitCode } = await check();
    assert.equal(exitCode, 0);
    assert.deepEqual(summary(report.items), ["pending-change hello-green version"]);
    assert.deepEqual([report.items[0]!.operation, report.items[0]!.state_value, report.items[0]!.declared_value], ["replace", "1.1.0", "1.2.0"]);
    writeStackConfig(project.workDir, project.stackName, { slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0" } } });
  });

  it("during a rollout its weights are labelled rollout, not alarmed; other weights still are", async () => {
    const store = openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName);
    await store.put(ROLLOUT_KEY, rolloutRecord({ stack: project.stackName, weights: { blue: 50, green: 50 }, stepIndex: 1 }), 0);
    try {
      // The checked-out config is a step ahead of state, and the data plane is mid-step.
      writeStackConfig(project.workDir, project.stackName, { traffic: { blue: 90, green: 10 } });
      await setWeight(socket, backend, "blue", 50);
      await setWeight(socket, backend, "green", 50);
      let { report, exitCode } = await check();
      assert.equal(exitCode, 0, JSON.stringify(report.items));
      assert.deepEqual(summary(report.items), [
        "rollout hello-traffic-weights weights.blue",
        "rollout hello-traffic-weights weights.blue",
        "rollout hello-traffic-weights weights.green",
        "rollout hello-traffic-weights weights.green",
      ]);
      assert.equal(report.rollout?.id, "r-1");

      await setWeight(socket, backend, "green", 33);
      ({ report, exitCode } = await check());
      assert.equal(exitCode, 2, "33 is no weight of this rollout");
      assert.ok(report.items.some((i) => i.class === "drift" && i.property === "weights.green" && i.found_value === 33));
    } finally {
      await store.delete(ROLLOUT_KEY);
      writeStackConfig(project.workDir, project.stackName, { traffic: { blue: 60, green: 40 } });
      await setWeight(socket, backend, "blue", 60);
      await setWeight(socket, backend, "green", 40);
    }
    assert.equal((await check()).exitCode, 0);
  });

  it("a bad --fix mode or ignore rule is a config error (exit 1) before any engine call", async () => {
    await assert.rejects(check({ fix: "undo" }), (e: unknown) => e instanceof ConfigError && e.exitCode === 1 && /--fix: must be revert or accept/.test(e.message));
    ignoreRules([{ path: "x", reason: "no target" }]);
    await assert.rejects(check(), (e: unknown) => e instanceof ConfigError && /switchyard:drift\.ignore\.0: needs a urn or a type/.test(e.message));
    ignoreRules(undefined);
    assert.ok(existsSync(path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`)));
  });
});
