/**
 * The stack file holds intent, written by people only; the driver's status lives in the backend.
 * Through the real CLI and engine on the local target: no command leaves the checkout dirty, a
 * plain engine run from the file keeps the service as it is, a second checkout sharing the
 * backend sees (and can act on) the same rollout, a rolled-back release is not repeated by
 * accident, and a stack file an earlier Switchyard wrote upgrades in place.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { ROLLOUT_KEY, type RolloutRecord } from "../../automation/rollout/record";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { PROJECT_ROOT } from "../../model/toolchain";
import { createTestProject, startCli, type CliResult, type TestProject } from "../support/project";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });

describe("engine: intent in the stack file, the driver's status in the backend", function () {
  this.timeout(600_000);
  let project: TestProject;
  let otherCheckout: string;
  const stackFile = () => path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`);
  const rollout = { strategy: "canary" as const, steps: [50, 100], bake: "2s" };
  /** A person edits the stack file and commits it. */
  const release = (blue: string, green: string, active: "blue" | "green", bake = "2s") => {
    project.writeConfig({ active, slots: { blue: { version: blue }, green: { version: green } }, rollout: { ...rollout, bake } });
    git(project.workDir, "commit", "-qam", `release ${blue}/${green} on ${active}`);
  };
  const dirty = () => git(project.workDir, "status", "--porcelain").trim();
  const inOther = (...args: string[]): Promise<CliResult> => startCli([...args, "--stack", project.stackName, "--cwd", otherCheckout], project.env).done;
  const servedVersion = async () => {
    const response = await fetch(`http://127.0.0.1:${project.ports.listen}/`);
    return ((await response.json()) as { version: string }).version;
  };

  before(async () => {
    project = await createTestProject("intent");
    project.writeConfig({ active: "blue", slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } }, rollout });
    // The checkout people keep in git; the file backend here stands for a shared one elsewhere.
    writeFileSync(path.join(project.workDir, ".gitignore"), "state/\n");
    git(project.workDir, "init", "-q");
    assert.equal((await project.cli("deploy")).code, 0);
    git(project.workDir, "add", "-A");
    git(project.workDir, "commit", "-qm", "first release");
  });
  after(async () => {
    if (otherCheckout) rmSync(otherCheckout, { recursive: true, force: true });
    await project?.cleanup();
  });

  it("a rollout, status and drift leave the checkout exactly as people wrote it", async () => {
    release("1.0.0", "2.0.0", "green");
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
    assert.equal((await project.cli("status")).code, 0);
    assert.equal((await project.cli("drift")).code, 0);
    assert.equal(dirty(), "", "git status shows nothing people did not edit");
  });

  it("a plain engine run from the stack file alone keeps the service as it is", async () => {
    const opened = await project.open();
    // The person's file as the engine's config, without the driver's status.
    const result = await opened.run("plain preview", (stack) => stack.preview({ configFile: stackFile() }));
    const changed = Object.entries(result.changeSummary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    assert.deepEqual(changed, [], JSON.stringify(result.changeSummary));
  });

  it("a second checkout sharing the backend sees the rollout in flight, finds no drift, and can abort it", async () => {
    // Another machine's checkout, made before the next release was committed: its file is behind.
    otherCheckout = mkdtempSync(path.join(PROJECT_ROOT, ".switchyard", "tmp", "other-"));
    cpSync(path.join(project.workDir, "Pulumi.yaml"), path.join(otherCheckout, "Pulumi.yaml"));
    cpSync(path.join(project.workDir, "stacks"), path.join(otherCheckout, "stacks"), { recursive: true });

    release("3.0.0", "2.0.0", "blue", "120s");
    const driver = project.cliInBackground("deploy");
    try {
      await project.waitForRecord((r) => r.steps[0]?.phase === "baking");
      assert.deepEqual(await project.liveWeights(), { blue: 50, green: 50 });
      const preview = await inOther("preview", "--json");
      assert.equal(preview.code, 0, preview.stderr);
      const report = JSON.parse(preview.stdout) as { summary: { status: string }; environments: { slot: string; version?: string; traffic_percentage: number }[] };
      assert.equal(report.summary.status, "no-change", "the other checkout's preview applies the rollout in flight, not its own older file");
      assert.deepEqual(
        report.environments.map((e) => [e.slot, e.version, e.traffic_percentage]),
        [["blue", "3.0.0", 50], ["green", "2.0.0", 50]],
      );
      const drift = await inOther("drift", "--json");
      assert.equal(drift.code, 0, drift.stdout + drift.stderr);
      const abort = await inOther("abort", "--json");
      assert.equal(abort.code, 3, abort.stderr);
    } catch (error) {
      driver.child.kill("SIGTERM");
      await driver.done;
      throw error;
    }
    const ended = await driver.done;
    assert.equal(ended.code, 3, `the driver rolls back on the other checkout's request: ${ended.stderr}`);
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
    assert.equal(await servedVersion(), "2.0.0");
    assert.equal(dirty(), "");
  });

  it("deploy refuses to repeat the release that was rolled back, changing nothing, until the file changes", async () => {
    const before = await project.rolloutRecord();
    const refused = await project.cli("deploy");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /still asks for 3\.0\.0 on blue, which rollout r-\w+ rolled back/);
    assert.match(refused.stderr, /--retry/);
    assert.deepEqual(await project.rolloutRecord(), before, "no new rollout");
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });

    release("3.0.1", "2.0.0", "blue");
    const fixed = await project.cli("deploy");
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(await servedVersion(), "3.0.1");
    assert.equal(dirty(), "");
  });

  it("a stack an earlier Switchyard ran upgrades in place: its leftovers are ignored, no traffic moves, state unchanged", async () => {
    // What the earlier driver left: weights in the file, and a record without the release it applied.
    const doc = parseDocument(readFileSync(stackFile(), "utf8"));
    doc.setIn(["config", "switchyard:traffic"], doc.createNode({ blue: 100, green: 0 }));
    writeFileSync(stackFile(), doc.toString());
    git(project.workDir, "commit", "-qam", "as an earlier Switchyard left it");
    const store = openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName, project.env);
    const stored = (await store.get<RolloutRecord>(ROLLOUT_KEY))!;
    const { intent: _dropped, ...older } = stored.value;
    await store.put(ROLLOUT_KEY, older, stored.revision);
    const opened = await project.open();
    const stateBefore = await opened.run("export", (s) => s.exportStack());

    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).summary.status, "no-change");
    assert.match(result.stderr, /switchyard:traffic was written by an earlier Switchyard and is ignored now/);
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    const outputsOf = (state: typeof stateBefore) => (state.deployment.resources as { urn: string; outputs?: object }[]).filter((r) => r.urn.includes("switchyard:local")).map((r) => [r.urn, r.outputs]);
    assert.deepEqual(outputsOf(await opened.run("export", (s) => s.exportStack())), outputsOf(stateBefore));
    assert.equal(dirty(), "");
  });

  it("a regional-move record that cannot be read stops status, drift and deploy alike, naming it, on a one-region stack too; nothing changes", async () => {
    const file = path.join(new URL(project.env.PULUMI_BACKEND_URL!).pathname, ".switchyard", PROJECT_NAME, project.stackName, "region-move.json");
    writeFileSync(file, '{"value": {"id": "fo-1", "kind": "failover", "stat');
    try {
      for (const command of ["status", "drift", "deploy"]) {
        const result = await project.cli(command);
        assert.equal(result.code, 1, `${command}: ${result.stdout}`);
        assert.match(result.stderr, /record "region-move" at .* is not a JSON document/, command);
      }
      assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    } finally {
      rmSync(file, { force: true });
    }
    assert.equal((await project.cli("status")).code, 0);
  });
});
