/**
 * A plain deploy killed between its update and its ledger entry: the next command completes the
 * entry from the engine's history, once; a mark whose update never finished is dropped.
 * The kill is reproduced exactly: the mark a dying driver leaves, then the update it finished.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { PENDING_DEPLOY_KEY, type PendingDeploy } from "../../automation/releases/pending-deploy";
import { openDocumentStore } from "../../automation/store/open-store";
import { PROJECT_NAME } from "../../automation/workspace";
import { createTestProject, type TestProject } from "../support/project";

describe("engine: a plain deploy's ledger entry survives its driver", function () {
  this.timeout(240_000);
  let project: TestProject;

  before(async () => {
    project = await createTestProject("pending-deploy");
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(await store().get(PENDING_DEPLOY_KEY), undefined, "a deploy that finished leaves no mark");
  });
  after(async () => {
    await project?.cleanup();
  });

  const store = () => openDocumentStore(project.env.PULUMI_BACKEND_URL!, PROJECT_NAME, project.stackName, project.env);
  /** The pid of a process that has exited: a driver killed with -9. */
  const deadPid = () => spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
  async function leaveMark(): Promise<PendingDeploy> {
    const mark: PendingDeploy = { id: `d-test${Date.now() % 10000}`, startedAt: new Date().toISOString(), owner: { host: hostname(), pid: Number(deadPid()), heartbeatAt: new Date().toISOString() } };
    const current = await store().get(PENDING_DEPLOY_KEY);
    await store().put(PENDING_DEPLOY_KEY, mark, current?.revision ?? 0);
    return mark;
  }
  async function releases(): Promise<Array<{ id: string; deploymentId?: string }>> {
    const listed = await project.cli("releases", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    return JSON.parse(listed.stdout).releases;
  }

  it("an update that finished is recorded by the next command, once", async () => {
    const before = await releases();
    const mark = await leaveMark();
    // The dying driver's update: a change applied by the engine, no ledger entry written.
    project.writeConfig({ slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0", latencyMs: 1 } } });
    const opened = await project.open();
    await opened.run("up", (s) => s.up());
    const after = await releases();
    assert.equal(after.length, before.length + 1, JSON.stringify(after));
    assert.equal(after.at(-1)!.deploymentId, mark.id);
    assert.equal(await store().get(PENDING_DEPLOY_KEY), undefined, "the mark is cleared");
    assert.equal((await releases()).length, after.length, "never twice");
  });

  it("a mark whose update never finished is dropped, and nothing is recorded", async () => {
    const before = await releases();
    await leaveMark();
    assert.equal((await releases()).length, before.length);
    assert.equal(await store().get(PENDING_DEPLOY_KEY), undefined);
  });
});
