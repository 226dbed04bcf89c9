/**
 * The driver's direct engine runs against the real CLI: a traffic step whose program declares
 * only the traffic part leaves the rest of a stack alone, a traffic program that misses a target
 * is stopped before the engine could delete it, and a speculative read is cancelled cleanly.
 */
import assert from "node:assert/strict";
import { markedEngineProcesses } from "../../automation/engine-processes";
import { waitFor } from "../../components/local/processes";
import { askCloud } from "../../automation/drift/detect";
import { StackNotFoundError } from "../../model/errors";
import { readStackOutputs } from "../../automation/report/outputs";
import { EngineTrafficRouter } from "../../automation/routers/engine-router";
import { openStack, type OpenedStack } from "../../automation/workspace";
import { benchProgram } from "../../bench/support/program";
import { switchyardProgram } from "../../stacks/program";
import { createTestProject, type TestProject } from "../support/project";

const EXTRA = 3;

describe("engine: direct runs of the CLI", function () {
  this.timeout(240_000);
  let project: TestProject;
  let scoped: OpenedStack;

  const stateUrns = async (opened: OpenedStack) => ((await opened.run("export", (s) => s.exportStack())).deployment.resources as { urn: string }[]).map((r) => r.urn);

  before(async () => {
    project = await createTestProject("direct");
    // The Switchyard program plus resources of the user's own, which traffic steps do not declare.
    scoped = await project.open({ full: benchProgram(EXTRA), traffic: switchyardProgram });
    await scoped.run("deploy", (s) => s.up());
  });

  after(async () => {
    if (scoped) await scoped.run("destroy", (s) => s.destroy()).catch(() => undefined);
    await project?.cleanup();
  });

  it("a step with the traffic program moves the weights and keeps the resources it did not declare", async () => {
    const before = await stateUrns(scoped);
    assert.equal(before.filter((urn) => urn.includes("bench:Noop")).length, EXTRA);
    const verified = await new EngineTrafficRouter(scoped).setWeights({ blue: 70, green: 30 });
    assert.equal(verified, true, "HAProxy serves the new weights");
    assert.deepEqual(await project.liveWeights(), { blue: 70, green: 30 });
    assert.deepEqual((await stateUrns(scoped)).sort(), [...before].sort(), "state still holds every resource");
  });

  it("a traffic program that does not declare a target fails the step, and nothing is deleted", async () => {
    const broken = await project.open({ full: benchProgram(EXTRA), traffic: async () => ({ trafficUrns: [] }) });
    const before = await stateUrns(broken);
    await assert.rejects(new EngineTrafficRouter(broken).setWeights({ blue: 50, green: 50 }), /does not declare .*hello-traffic-weights.*stopping before the engine could delete it/s);
    assert.deepEqual((await stateUrns(broken)).sort(), [...before].sort(), "the weights resource and everything else are still in state");
    assert.deepEqual(await project.liveWeights(), { blue: 70, green: 30 }, "no traffic moved");
  });

  it("stack outputs come from one CLI call, secrets hidden", async () => {
    const outputs = await readStackOutputs(scoped);
    assert.ok(Array.isArray(outputs.trafficUrns) && (outputs.trafficUrns as string[]).length > 0);
    assert.equal(outputs.target, "local");
  });

  it("an event-log run on a stack that does not exist fails at once with StackNotFoundError", async () => {
    const missing = await openStack({ stackName: "nowhere", workDir: project.workDir, env: project.env, mustExist: true, deferSelect: true }, switchyardProgram);
    // A pipe that waited for a writer that never came would hang here until the test's timeout.
    await assert.rejects(askCloud(missing), (error: unknown) => error instanceof StackNotFoundError);
  });

  it("drift's early cloud read is cancelled by a config error, which is what the user sees; nothing is left behind", async () => {
    project.writeConfig({ traffic: { blue: 150, green: 0 } } as never);
    try {
      const bad = await project.cli("drift", "--only", "cloud");
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, /switchyard:traffic/);
      assert.doesNotMatch(bad.stderr, /refresh preview of stack/, "the engine's cancelled run is not reported");
    } finally {
      project.writeConfig({ traffic: { blue: 70, green: 30 } });
    }
    const good = await project.cli("drift", "--only", "cloud", "--json");
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(JSON.parse(good.stdout).summary.questions, ["cloud"]);
  });

  it("drift's early questions, both asked, are cancelled by a config error: no engine run of the stack outlives the command", async () => {
    project.writeConfig({ traffic: { blue: 150, green: 0 } } as never);
    try {
      const bad = await project.cli("drift");
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, /switchyard:traffic/);
      assert.doesNotMatch(bad.stderr, /preview of stack/, "the engine's cancelled runs are not reported");
      const ofThisStack = () => markedEngineProcesses().filter((p) => p.argv.includes(scoped.stackName) && (p.argv.includes("preview") || p.argv.includes("refresh")));
      assert.ok(await waitFor(() => ofThisStack().length === 0, 10_000, 50), `engine runs left: ${JSON.stringify(ofThisStack().map((p) => p.argv.join(" ")))}`);
    } finally {
      project.writeConfig({ traffic: { blue: 70, green: 30 } });
    }
    const good = await project.cli("drift", "--json");
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(JSON.parse(good.stdout).summary.questions, ["cloud", "code"]);
  });

  it("a cancelled read stops the engine and leaves no lock: the next read succeeds", async () => {
    const abort = new AbortController();
    const reading = askCloud(scoped, abort.signal);
    // Cancel once the engine runs (a read takes far longer than it takes to see the process).
    const engineRuns = () => markedEngineProcesses().some((p) => p.argv.includes("refresh") && p.argv.includes(scoped.stackName));
    assert.ok(await waitFor(engineRuns, 30_000, 10), "the engine started");
    abort.abort();
    await assert.rejects(reading);
    const answer = await askCloud(scoped);
    // Every resource in state but the stack itself and its default provider (bookkeeping).
    const own = (await stateUrns(scoped)).filter((urn) => !/::pulumi:(pulumi:Stack|providers:[^:]+)::/.test(urn));
    assert.deepEqual(answer.resources().map((r) => r.urn).sort(), own.sort());
    assert.deepEqual(answer.observations(), [], "no drift right after the step");
  });
});
