/**
 * Without the fast engine path (its SDK internals moved, or turned off by hand), a rollout and a
 * drift check run through the Automation API instead, and say so: the same release, the same
 * weights, real engine, HAProxy and sample services on loopback.
 */
import assert from "node:assert/strict";
import { createTestProject, type TestProject } from "../support/project";

const WARNING = /warning: engine runs go through the Automation API \(stack\.up with targets; slower\) because SWITCHYARD_DIRECT_ENGINE=off/;

describe("engine: the Automation API fallback of the fast engine path", function () {
  this.timeout(600_000);
  let project: TestProject;

  before(async () => {
    project = await createTestProject("fallback");
    project.writeConfig({ active: "blue", rollout: { strategy: "canary", steps: [50, 100], bake: "1s" } });
    assert.equal((await project.cli("deploy")).code, 0);
    project.env.SWITCHYARD_DIRECT_ENGINE = "off";
  });
  after(async () => {
    await project?.cleanup();
  });

  it("a canary rollout steps traffic with stack.up({ target }) and completes", async () => {
    project.writeConfig({ active: "green", rollout: { strategy: "canary", steps: [50, 100], bake: "1s" } });
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
    assert.match(deployed.stderr, WARNING);
    assert.equal((await project.rolloutRecord())?.status, "succeeded");
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
    const response = await fetch(`http://127.0.0.1:${project.ports.listen}/`);
    assert.equal(((await response.json()) as { slot: string }).slot, "green");
  });

  it("drift asks both questions through it and finds none", async () => {
    const drift = await project.cli("drift", "--json");
    assert.equal(drift.code, 0, drift.stderr + drift.stdout);
    assert.match(drift.stderr, WARNING);
    const report = JSON.parse(drift.stdout) as { summary: { status: string } };
    assert.equal(report.summary.status, "clean");
  });
});
