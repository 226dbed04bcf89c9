/**
 * Every phase of `rollback` and `abort`, killed with SIGKILL: afterwards the rollout record, the
 * ledger (`releases`), the live weights HAProxy serves and the stack's outputs agree, and no
 * engine process (pulumi, its dynamic-provider helper) of the test is left running. Also: a wrong
 * passphrase fails a deploy before any checkpoint is written or evicted.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { StackConfigInput } from "../../model/config/stack";
import { isEngineCommand } from "../../automation/engine-processes";
import { LEDGER_KEY, type LedgerEntry } from "../../automation/releases/ledger";
import type { RolloutRecord } from "../../automation/rollout/record";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { createTestProject, runCli, type BackgroundCli, type TestProject } from "../support/project";

interface TestProcess {
  readonly pid: number;
  readonly argv: readonly string[];
}

/**
 * Engine processes of this test, found without the driver's own bookkeeping: pulumi CLIs naming
 * the test's stack, and plugins (the dynamic-provider helper) working in the test's folder.
 */
function engineProcessesOf(project: TestProject): TestProcess[] {
  const found: TestProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (!isEngineCommand(argv)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue; // exited, not yet reaped
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const stackArg = argv.indexOf("--stack");
      if (cwd.startsWith(project.workDir) || (stackArg >= 0 && argv[stackArg + 1] === project.stackName)) found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const isUp = (p: TestProcess, targeted: boolean) => p.argv.includes("up") && p.argv.some((a) => a.startsWith("--target")) === targeted;
const isHelper = (p: TestProcess) => p.argv.some((a) => a.includes("dynamic-provider"));

describe("e2e: kill points of rollback and abort", function () {
  this.timeout(600_000);
  let project: TestProject;
  const background: BackgroundCli[] = [];

  const v2: Partial<StackConfigInput> = {
    active: "green",
    traffic: undefined,
    slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } },
    rollout: { strategy: "canary", steps: [50, 100], bake: "60s" },
  };

  function start(...args: string[]): BackgroundCli {
    const cli = project.cliInBackground(...args);
    background.push(cli);
    return cli;
  }

  async function kill(cli: BackgroundCli) {
    cli.child.kill("SIGKILL");
    await cli.done;
  }

  /** No engine process of the test outlives the killed driver (its watchdog stops them). */
  async function assertNoEngineLeft(where: string) {
    await until(() => engineProcessesOf(project).length === 0, `the engine processes of the test to end after ${where}`, 30_000).catch(() => {
      assert.fail(`engine processes left running after ${where}: ${JSON.stringify(engineProcessesOf(project).map((p) => p.argv.slice(0, 3).join(" ")))}`);
    });
  }

  async function ledger(): Promise<readonly LedgerEntry[]> {
    const store = openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName, project.env);
    return (await store.get<{ entries: LedgerEntry[] }>(LEDGER_KEY))?.value.entries ?? [];
  }

  async function releases(): Promise<Array<{ id: string; kind: string; deploymentId?: string; restoredRelease?: string }>> {
    const listed = await project.cli("releases", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    return JSON.parse(listed.stdout).releases;
  }

  /** Record, state outputs and what HAProxy serves: one set of weights, and the versions running. */
  async function agreement(record: RolloutRecord) {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    const live = await project.liveWeights();
    assert.deepEqual(outputs.weights!.value, live, "state's weights are what HAProxy serves");
    assert.deepEqual(record.weights, live, "the record's weights are what HAProxy serves");
    const slots = outputs.slots!.value as Record<string, { version: string }>;
    return { live, versions: { blue: slots.blue!.version, green: slots.green!.version } };
  }

  beforeEach(async () => {
    project = await createTestProject("e2e-kills");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await project.cli("deploy");
    assert.equal(first.code, 0, first.stderr);
  });
  afterEach(async () => {
    for (const cli of background.splice(0)) if (cli.child.exitCode === null && cli.child.signalCode === null) await kill(cli);
    // A test that failed may have left a lock; recover removes it so that cleanup can destroy.
    await project?.cli("recover").catch(() => undefined);
    await project?.cleanup();
  });

  describe("rollback", () => {
    /** rel-1 serves blue 1.0.0; rel-2 (a rollout) serves green 2.0.0; then a rollback to rel-1 starts. */
    async function rollbackStarted(): Promise<BackgroundCli> {
      project.writeConfig({ ...v2, rollout: { strategy: "canary", steps: [100], bake: "1s" } });
      const second = await project.cli("deploy");
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual((await releases()).map((r) => r.id), ["rel-1", "rel-2"]);
      return start("rollback", "--json");
    }

    /** After the kill the next deploy finishes the rollback: rel-1's config, recorded once, starred. */
    async function assertFinishedByDeploy() {
      const resumed = await project.cli("deploy", "--json");
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr + resumed.stdout, /rb-\w+/);
      await assertRolledBackToRel1();
    }

    async function assertRolledBackToRel1() {
      const record = (await project.rolloutRecord())!;
      assert.equal(record.kind, "rollback");
      assert.equal(record.status, "succeeded");
      const { live, versions } = await agreement(record);
      assert.deepEqual(live, { blue: 100, green: 0 });
      assert.deepEqual(versions, { blue: "1.0.0", green: "1.0.0" }, "rel-1's exact config runs");
      const list = await releases();
      const entries = (await ledger()).filter((e) => e.deploymentId === record.id);
      assert.equal(entries.length, 1, "the rollback is in the ledger exactly once");
      assert.deepEqual(
        { id: list.at(-1)!.id, kind: list.at(-1)!.kind, deploymentId: list.at(-1)!.deploymentId, restoredRelease: list.at(-1)!.restoredRelease },
        { id: "rel-3", kind: "rollback", deploymentId: record.id, restoredRelease: "rel-1" },
        "releases stars the rollback",
      );
    }

    it("killed while it brings the release's slot up (prepare): deploy finishes it", async () => {
      const driver = await rollbackStarted();
      await project.waitForRecord((r) => r.id.startsWith("rb-") && !r.prepared);
      await until(() => engineProcessesOf(project).some(isHelper) || undefined, "the engine's dynamic-provider helper");
      await kill(driver);
      await assertNoEngineLeft("a kill during prepare");
      const record = (await project.rolloutRecord())!;
      assert.equal(record.status, "running");
      assert.equal(record.prepared, false);
      await assertFinishedByDeploy();
    });

    it("killed while traffic moves to the release's slot: deploy finishes it", async () => {
      const driver = await rollbackStarted();
      await project.waitForRecord((r) => r.id.startsWith("rb-") && r.steps[0]?.phase === "shifting");
      await until(() => engineProcessesOf(project).some((p) => isUp(p, true)) || undefined, "the traffic step's update");
      await kill(driver);
      await assertNoEngineLeft("a kill during the traffic shift");
      await assertFinishedByDeploy();
    });

    it("killed while it applies the release's exact config: deploy applies it before success", async () => {
      const driver = await rollbackStarted();
      await project.waitForRecord((r) => r.id.startsWith("rb-") && r.stepIndex === r.plan.length && r.status === "running");
      await until(() => engineProcessesOf(project).some((p) => isUp(p, false)) || undefined, "the final full update");
      await kill(driver);
      await assertNoEngineLeft("a kill during the final update");
      const record = (await project.rolloutRecord())!;
      assert.equal(record.status, "running", "not succeeded before the release's config is applied");
      await assertFinishedByDeploy();
    });

    it("killed once its record says succeeded: the next command adds the missing ledger entry, once", async () => {
      const driver = await rollbackStarted();
      const done = await project.waitForRecord((r) => r.id.startsWith("rb-") && r.status === "succeeded");
      await kill(driver);
      await assertNoEngineLeft("a kill after success");
      // The window between the final transition and the ledger is short: if the driver won the race,
      // take its entry out again, which is what a kill inside the window leaves.
      const store = openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName, project.env);
      const stored = (await store.get<{ entries: LedgerEntry[] }>(LEDGER_KEY))!;
      const without = stored.value.entries.filter((e) => e.deploymentId !== done.id);
      if (without.length !== stored.value.entries.length) await store.put(LEDGER_KEY, { entries: without }, stored.revision);
      assert.deepEqual((await ledger()).map((e) => e.id), ["rel-1", "rel-2"]);
      await assertRolledBackToRel1();
      // The stack file still asks for rel-2: deploy completes the ledger, then refuses to undo the rollback.
      const again = await project.cli("deploy", "--json");
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stderr, new RegExp(`what rollback ${done.id} took the stack back from[^]*--retry`));
      assert.equal((await ledger()).filter((e) => e.deploymentId === done.id).length, 1);
      await assertRolledBackToRel1();
      // status says which release the file asks for and why it does not run, and the ways on.
      const status = await project.cli("status", "--json");
      assert.equal(status.code, 0, status.stderr);
      const report = JSON.parse(status.stdout) as { summary: { message?: string }; next_steps: string[] };
      assert.match(report.summary.message ?? "", new RegExp(`the stack file asks for what rollback ${done.id} took the stack back from`));
      assert.ok(report.next_steps.some((s) => s.includes("--retry")), report.next_steps.join("\n"));
    });
  });

  describe("abort and promote", () => {
    const baking = (r: RolloutRecord) => r.id.startsWith("r-") && r.steps[0]?.phase === "baking" && r.owner !== undefined;

    async function assertAborted(abort: { code: number | null; stdout: string; stderr: string }, rolloutId: string) {
      assert.equal(abort.code, 3, abort.stderr);
      const record = (await project.rolloutRecord())!;
      assert.equal(record.id, rolloutId);
      assert.equal(record.status, "rolled-back");
      assert.equal(record.rollingBack, undefined);
      assert.equal(record.request, undefined);
      const { live, versions } = await agreement(record);
      assert.deepEqual(live, { blue: 100, green: 0 });
      assert.equal(versions.blue, "1.0.0");
      const entries = (await ledger()).filter((e) => e.deploymentId === rolloutId);
      assert.deepEqual(entries.map((e) => e.outcome), ["rolled-back"], "the rolled-back rollout is in the ledger once");
      assert.deepEqual((await releases()).map((r) => r.id), ["rel-1"], "the failed release is not a release");
    }

    it("the driver dies before it takes the request: the waiting abort notices and rolls back itself", async () => {
      project.writeConfig(v2);
      const driver = start("deploy");
      const during = await project.waitForRecord(baking);
      assert.deepEqual(await project.liveWeights(), { blue: 50, green: 50 });
      // Stopped, the driver is alive but cannot take the request; then it dies.
      driver.child.kill("SIGSTOP");
      const abort = start("abort", "--json");
      await project.waitForRecord((r) => r.request?.action === "abort");
      const killedAt = Date.now();
      await kill(driver);
      await project.waitForRecord((r) => r.owner !== undefined && r.owner.pid !== driver.child.pid);
      const noticed = Date.now();
      const result = await abort.done;
      console.log(`      (the abort took over ${((noticed - killedAt) / 1000).toFixed(1)} s after the driver died; done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after)`);
      assert.match(JSON.parse(result.stdout).summary.message, /the driver \(.+ pid \d+\) stopped before it acted on the request; rolled back/);
      await assertAborted(result, during.id);
      await assertNoEngineLeft("the takeover");
    });

    it("promote: the driver dies before it takes the request; the waiting promote drives the rollout itself", async () => {
      project.writeConfig({ ...v2, rollout: { strategy: "canary", steps: [50, 100], bake: "20s" } });
      const driver = start("deploy");
      const during = await project.waitForRecord(baking);
      driver.child.kill("SIGSTOP");
      const promote = start("promote", "--json");
      await project.waitForRecord((r) => r.request?.action === "promote");
      await kill(driver);
      const result = await promote.done;
      assert.equal(result.code, 0, result.stderr);
      const record = (await project.rolloutRecord())!;
      assert.equal(record.id, during.id);
      assert.equal(record.status, "succeeded");
      assert.equal(record.steps[0]!.startedAt, during.steps[0]!.startedAt, "step 1 was not run again");
      const { live, versions } = await agreement(record);
      assert.deepEqual(live, { blue: 0, green: 100 });
      assert.equal(versions.green, "2.0.0");
      const listed = await releases();
      assert.deepEqual(listed.map((r) => r.id), ["rel-1", "rel-2"]);
      assert.match(listed[0]!.deploymentId ?? "", /^d-/, "rel-1 is the first plain deploy");
      assert.equal(listed[1]!.deploymentId, during.id);
      await assertNoEngineLeft("the promote");
    });

    it("the driver dies while it moves traffic back for the abort: the abort finishes the rollback", async () => {
      project.writeConfig(v2);
      const driver = start("deploy");
      const during = await project.waitForRecord(baking);
      const abort = start("abort", "--json");
      await project.waitForRecord((r) => r.rollingBack !== undefined && r.stableRestoredAt === undefined);
      await until(() => engineProcessesOf(project).some((p) => isUp(p, true)) || undefined, "the rollback's traffic step");
      await kill(driver);
      await assertNoEngineLeft("a kill during the rollback's traffic step");
      await assertAborted(await abort.done, during.id);
    });

    it("the driver dies while it re-applies the prior release for the abort: the abort finishes it", async () => {
      project.writeConfig(v2);
      const driver = start("deploy");
      const during = await project.waitForRecord(baking);
      const abort = start("abort", "--json");
      await project.waitForRecord((r) => r.rollingBack !== undefined && r.stableRestoredAt !== undefined);
      await until(() => engineProcessesOf(project).some((p) => isUp(p, false)) || undefined, "the prior release's update");
      await kill(driver);
      await assertNoEngineLeft("a kill while the prior release is re-applied");
      await assertAborted(await abort.done, during.id);
    });

    it("the abort itself is killed while it rolls back (no driver ran): the next abort finishes it", async () => {
      project.writeConfig(v2);
      const driver = start("deploy");
      const during = await project.waitForRecord(baking);
      await kill(driver);
      await assertNoEngineLeft("the driver's kill");
      const firstAbort = start("abort");
      await project.waitForRecord((r) => r.rollingBack !== undefined);
      await until(() => engineProcessesOf(project).some((p) => isUp(p, true)) || undefined, "the abort's traffic step");
      await kill(firstAbort);
      await assertNoEngineLeft("a kill of the abort");
      const status = await project.cli("status", "--json");
      assert.match(JSON.parse(status.stdout).summary.message ?? "", /rolling back/);
      await assertAborted(await project.cli("abort", "--json"), during.id);
    });
  });

  it("a wrong passphrase fails deploy with a clear error before any checkpoint is written or evicted", async () => {
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } }, recovery: { checkpoints: 1 } });
    const again = await project.cli("deploy");
    assert.equal(again.code, 0, again.stderr);
    const checkpoints = async () => {
      const listed = await project.cli("checkpoints", "--json");
      assert.equal(listed.code, 0, listed.stderr);
      return (JSON.parse(listed.stdout).checkpoints as Array<{ id: string }>).map((c) => c.id);
    };
    const before = await checkpoints();
    assert.equal(before.length, 1);
    const wrong = await runCli(["deploy", "--stack", project.stackName, "--cwd", project.workDir], { ...project.env, PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /does not decrypt its secrets \(incorrect passphrase\); nothing was changed/);
    assert.match(wrong.stderr, /PULUMI_CONFIG_PASSPHRASE/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, /not-the-passphrase/, "the passphrase is not echoed");
    assert.deepEqual(await checkpoints(), before, "no checkpoint written, none evicted");
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
  });
});
