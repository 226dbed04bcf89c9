/**
 * Releases, rollback by re-applying a prior release with the engine, and delivery metrics, on
 * the local target with real traffic.
 */
import assert from "node:assert/strict";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject, type TestProject } from "../support/project";
import { startLoad } from "../support/load";

describe("e2e: releases, rollback and delivery metrics", function () {
  this.timeout(400_000);
  let project: TestProject;

  const release = (active: "blue" | "green", blue: string, green: string, extra: Partial<StackConfigInput> = {}): Partial<StackConfigInput> => ({
    active,
    traffic: undefined,
    slots: { blue: { version: blue }, green: { version: green } },
    rollout: { strategy: "canary", steps: [50, 100], bake: "1s" },
    ...extra,
  });

  async function deploy(config: Partial<StackConfigInput>, expectedCode = 0) {
    project.writeConfig(config);
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, expectedCode, result.stderr);
    return JSON.parse(result.stdout);
  }

  async function live() {
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    return { weights: await project.liveWeights(), versions: { blue: outputs.slots!.value.blue.version, green: outputs.slots!.value.green.version } };
  }

  before(async () => {
    project = await createTestProject("e2e-releases");
    await deploy(release("blue", "1.0.0", "1.0.0"));
    await deploy(release("green", "1.0.0", "2.0.0"));
    await deploy(release("blue", "3.0.0", "2.0.0"));
  });
  after(async () => {
    await project?.cleanup();
  });

  it("lists every release with its versions, serving slot, user and commit", async () => {
    const result = await project.cli("releases", "--json");
    assert.equal(result.code, 0, result.stderr);
    const { releases } = JSON.parse(result.stdout);
    assert.deepEqual(
      releases.map((r: { id: string; kind: string; activeSlot: string; versions: object }) => [r.id, r.kind, r.activeSlot, r.versions]),
      [
        ["rel-1", "deploy", "blue", { blue: "1.0.0", green: "1.0.0" }],
        ["rel-2", "rollout", "green", { blue: "1.0.0", green: "2.0.0" }],
        ["rel-3", "rollout", "blue", { blue: "3.0.0", green: "2.0.0" }],
      ],
    );
    assert.ok(releases.every((r: { user: string }) => r.user.length > 0));
  });

  it("rolls back to a release two back by re-applying it with the engine, under load with no failed request", async () => {
    const load = startLoad(`http://127.0.0.1:${project.ports.listen}/`);
    const result = await project.cli("rollback", "--to", "rel-1", "--json");
    const traffic = await load.stop();
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "success");
    assert.deepEqual(await live(), { weights: { blue: 100, green: 0 }, versions: { blue: "1.0.0", green: "1.0.0" } });
    assert.equal(traffic.failed + traffic.errors, 0, JSON.stringify(traffic));
    assert.ok(traffic.total > 50);
    const { releases } = JSON.parse((await project.cli("releases", "--json")).stdout);
    assert.deepEqual([releases.at(-1).kind, releases.at(-1).versions], ["rollback", { blue: "1.0.0", green: "1.0.0" }]);
  });

  it("refuses an unknown release and says where to look", async () => {
    const result = await project.cli("rollback", "--to", "rel-99");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no release rel-99/);
    assert.match(result.stderr, /switchyard releases --stack/);
  });

  it("counts a rolled-back rollout in the change failure rate and its time to restore", async () => {
    const bad = await deploy(
      release("green", "1.0.0", "9.9.9", {
        slots: { blue: { version: "1.0.0" }, green: { version: "9.9.9", failureRate: 1 } },
        analysis: { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "500ms", count: 2 }] },
      }),
      3,
    );
    assert.equal(bad.summary.status, "rolled-back");
    assert.equal(bad.metrics.deployments, 4);
    const result = await project.cli("metrics", "--since", "1d", "--json");
    assert.equal(result.code, 0, result.stderr);
    const { metrics } = JSON.parse(result.stdout);
    assert.equal(metrics.deployments, 4, "three releases and the failed rollout; the rollback is not a change");
    assert.equal(metrics.change_failure_rate, 0.25);
    assert.ok(metrics.time_to_restore_seconds > 0 && metrics.time_to_restore_seconds < 60, JSON.stringify(metrics));
    assert.ok(metrics.lead_time_seconds >= 0, "commit time is known in this checkout");
    assert.ok(metrics.deployment_frequency_per_day >= 4);
  });

  it("--gradual steps traffic back through the rollout strategy with analysis, then applies the release exactly", async () => {
    // The stack's rollout config is canary 50/100 with an HTTP probe; the release before the
    // current one is rel-3 (blue 3.0.0 serving, green 2.0.0), and blue serves 1.0.0 now.
    const result = await project.cli("rollback", "--gradual", "--json");
    assert.equal(result.code, 0, `${result.stdout.slice(0, 2000)}\n${result.stderr}`);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.steps.map((s: { weight: number; status: string; analysis?: { phase: string } }) => [s.weight, s.status, s.analysis?.phase]), [
      [50, "done", "Successful"],
      [100, "done", "Successful"],
    ]);
    assert.deepEqual(await live(), { weights: { blue: 100, green: 0 }, versions: { blue: "3.0.0", green: "2.0.0" } });
  });
});
