/**
 * `destroy` through the real CLI: every resource goes, nothing of the local target keeps
 * listening (even a workload the state lost track of), and a production stack is refused
 * without --force with nothing changed.
 */
import assert from "node:assert/strict";
import { httpGet } from "../../components/local/http-probe";
import { portsStillListening } from "../../automation/local/leftovers";
import { createTestProject, type TestProject } from "../support/project";

describe("engine: destroy", function () {
  this.timeout(240_000);
  let project: TestProject;

  beforeEach(async () => {
    project = await createTestProject("engine-destroy");
  });
  afterEach(async () => {
    await project?.cleanup();
  });

  const footprint = () => ({ service: "hello", address: "127.0.0.1", ports: project.ports, runDir: project.runDir });

  async function deploy() {
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))?.status, 200);
  }

  it("removes every resource, and nothing listens on the stack's ports afterwards", async () => {
    await deploy();
    const result = await project.cli("destroy", "--yes", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "success");
    assert.match(report.summary.message, /nothing listens/);
    assert.deepEqual(await portsStillListening(footprint()), []);
    const state = await (await project.open()).run("export", (s) => s.exportStack());
    assert.deepEqual((state.deployment.resources ?? []).filter((r: { type: string }) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")), []);
    // Starting over works.
    await deploy();
  });

  it("also stops a workload whose resource the state no longer lists", async () => {
    await deploy();
    assert.equal(await project.forgetInState((r) => r.type.endsWith("local:Workload") && r.outputs?.slot === "green"), 1, "the green workload is in state");
    const result = await project.cli("destroy", "--yes", "--json");
    assert.equal(result.code, 0, result.stderr);
    assert.match(JSON.parse(result.stdout).summary.message, /stopped workload hello\/green/);
    assert.deepEqual(await portsStillListening(footprint()), []);
  });

  it("refuses a production stack without --force, and changes nothing", async () => {
    project.writeConfig({ environment: "production" });
    await deploy();
    const refused = await project.cli("destroy", "--yes");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /marked production/);
    assert.match(refused.stderr, /--force/);
    assert.equal((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))?.status, 200, "still serving");
    const forced = await project.cli("destroy", "--yes", "--force");
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(await portsStillListening(footprint()), []);
  });
});
