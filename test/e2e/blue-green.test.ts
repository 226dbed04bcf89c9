/**
 * Blue-green on the local target: the new slot is analysed at 0% through its own endpoint,
 * traffic switches 0 → 100, and the old slot is scaled down only after the hold; the next
 * release brings it back. Through all of it, a watcher samples HAProxy's weights and which slots
 * answer: weight never lands on a slot that runs nothing (a release, an abort inside the delay, a
 * rollback after the scale-down).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { httpGet } from "../../components/local/http-probe";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject, type TestProject } from "../support/project";
import { watchCapacity } from "../support/capacity-watch";
import { startLoad } from "../support/load";

describe("e2e: blue-green with scale-down after the hold", function () {
  this.timeout(300_000);
  let project: TestProject;

  const analysis: StackConfigInput["analysis"] = { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "500ms", count: 2 }] };
  const blueGreen = { strategy: "blue-green" as const, bake: "1s", scaleDownDelay: "3s" };

  before(async () => {
    project = await createTestProject("e2e-bluegreen");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    assert.equal((await project.cli("deploy")).code, 0);
  });
  after(async () => {
    await project?.cleanup();
  });

  /** The stack file is people's: the driver's scale-down lives in the backend, never in it. */
  const stackFileText = () => readFileSync(path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`), "utf8");

  it("switches 0 → 100 after pre-promotion analysis, with no failed request, then scales the old slot down", async () => {
    // A traffic metric beside the probe: before the switch it has no traffic to read (Inconclusive
    // by construction), so by default it runs after the switch only.
    // At least a second between measurements: the load generator sends its rate in one burst a second.
    const errorShare = { name: "error-share", provider: { type: "haproxy" as const, measure: "errorShare" as const }, interval: "1s", count: 2, successCondition: { max: 0.01 } };
    project.writeConfig({ active: "green", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } }, rollout: blueGreen, analysis: { metrics: [...analysis!.metrics, errorShare] } });
    const written = stackFileText();
    const load = startLoad(`http://127.0.0.1:${project.ports.listen}/`);
    const result = await project.cli("deploy", "--json");
    const traffic = await load.stop();
    assert.equal(result.code, 0, result.stderr + result.stdout.slice(0, 4000));
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.steps.map((s: { kind: string; weight: number; analysis: { phase: string; metrics: { name: string }[] } }) => [s.kind, s.weight, s.analysis.phase, s.analysis.metrics.map((m) => m.name)]), [
      ["pre-promotion", 0, "Successful", ["probe"]],
      ["post-promotion", 100, "Successful", ["probe", "error-share"]],
    ]);
    assert.equal(traffic.failed + traffic.errors, 0, JSON.stringify(traffic));
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
    assert.equal(await httpGet(`http://127.0.0.1:${project.ports.blue}/healthz`, 500), undefined, "the old slot runs nothing");
    assert.equal(stackFileText(), written, "the stack file is as people wrote it");
    const status = await project.cli("status", "--json");
    assert.equal(status.code, 0, status.stdout + status.stderr);
  });

  it("brings the scaled-down slot back for the next release", async () => {
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "3.0.0" }, green: { version: "2.0.0" } }, rollout: blueGreen, analysis });
    const written = stackFileText();
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr + result.stdout.slice(0, 4000));
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    const blue = await httpGet(`http://127.0.0.1:${project.ports.listen}/`);
    assert.equal(JSON.parse(blue!.body).version, "3.0.0");
    assert.equal(await httpGet(`http://127.0.0.1:${project.ports.green}/healthz`, 500), undefined, "the now idle slot runs nothing");
    assert.equal(stackFileText(), written, "the stack file is as people wrote it");
  });

  /** Runs `work` under load with the capacity watcher on; both stop whatever `work` does, so a failure leaves nothing running. */
  async function watched<T>(work: () => Promise<T>) {
    const watcher = watchCapacity(() => project.liveWeights(), { blue: project.ports.blue, green: project.ports.green });
    const load = startLoad(`http://127.0.0.1:${project.ports.listen}/`);
    const stopBoth = async () => ({ traffic: await load.stop(), seen: await watcher.stop() });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await stopBoth();
      throw error;
    }
    return { result, ...(await stopBoth()) };
  }

  it("an abort inside the scale-down delay switches back to the old slot, which is still up", async () => {
    // green is scaled down (2.0.0); the release brings it back with 4.0.0, and blue stays up for a minute.
    project.writeConfig({ active: "green", traffic: undefined, slots: { blue: { version: "3.0.0" }, green: { version: "4.0.0" } }, rollout: { ...blueGreen, scaleDownDelay: "60s" }, analysis });
    const { result, traffic, seen } = await watched(async () => {
      const driver = project.cliInBackground("deploy", "--json");
      try {
        await project.waitForRecord((r) => r.status === "running" && r.holdStartedAt !== undefined && !r.scaledDownAt);
        assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 }, "switched, holding the old slot");
        const aborted = await project.cli("abort");
        return { aborted, deployed: await driver.done };
      } catch (error) {
        driver.child.kill("SIGKILL");
        await driver.done;
        throw error;
      }
    });
    assert.equal(result.aborted.code, 3, result.aborted.stderr);
    assert.equal(result.deployed.code, 3, result.deployed.stderr);
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    assert.equal(JSON.parse((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))!.body).version, "3.0.0");
    assert.equal(traffic.failed + traffic.errors, 0, JSON.stringify(traffic));
    assert.ok(seen.samples >= 10, `the watcher sampled ${seen.samples} times`);
    assert.deepEqual(seen.weightOnNothing, [], "weight on a slot that runs nothing");
  });

  it("a rollback after the scale-down brings the old release's slot back before any weight moves", async () => {
    project.writeConfig({ active: "green", traffic: undefined, slots: { blue: { version: "3.0.0" }, green: { version: "5.0.0" } }, rollout: blueGreen, analysis });
    const released = await project.cli("deploy", "--json");
    assert.equal(released.code, 0, released.stderr);
    assert.equal(await httpGet(`http://127.0.0.1:${project.ports.blue}/healthz`, 500), undefined, "blue was scaled down");
    const written = stackFileText();
    const { result: rolledBack, traffic, seen } = await watched(() => project.cli("rollback", "--json"));
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    assert.equal(JSON.parse((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))!.body).version, "3.0.0");
    assert.equal(traffic.failed + traffic.errors, 0, JSON.stringify(traffic));
    assert.ok(seen.sawDown.includes("blue"), "the watcher saw blue scaled down before the rollback brought it back");
    assert.deepEqual(seen.weightOnNothing, [], "weight on a slot that runs nothing");
    assert.equal(stackFileText(), written, "the stack file is as people wrote it");
  });
});
