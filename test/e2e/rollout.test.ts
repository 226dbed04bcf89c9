/**
 * End to end on the local target, with real traffic through HAProxy while the driver runs:
 * a good release goes 0 → 100 with no failed request; a bad one is rolled back by analysis.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject, type TestProject } from "../support/project";
import { startLoad } from "../support/load";

const analysis: StackConfigInput["analysis"] = {
  metrics: [
    { name: "error-share", provider: { type: "haproxy", measure: "errorShare" }, interval: "1s", count: 2, successCondition: { max: 0.01 } },
    { name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 2 },
  ],
};

function releaseConfig(project: TestProject, green: { version: string; failureRate?: number }): Partial<StackConfigInput> {
  return {
    active: "green",
    traffic: undefined,
    slots: { blue: { version: "1.0.0" }, green },
    rollout: { strategy: "canary", steps: [20, 50, 100], bake: "2s" },
    analysis,
    local: { ports: project.ports, runDir: project.runDir },
  };
}

describe("e2e: progressive rollout on the local target under load", function () {
  this.timeout(300_000);
  let project: TestProject;


  beforeEach(async () => {
    project = await createTestProject("e2e-rollout");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await project.cli("deploy", "--json");
    assert.equal(first.code, 0, first.stderr);
  });
  afterEach(async () => {
    await project?.cleanup();
  });

  it("steps a good release 0 → 100 through every step, and no request fails", async () => {
    project.writeConfig(releaseConfig(project, { version: "1.1.0" }));
    const load = startLoad(`http://127.0.0.1:${project.ports.listen}/`);
    const result = await project.cli("deploy", "--json");
    const traffic = await load.stop();
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "success");
    assert.equal(report.summary.strategy, "canary");
    assert.deepEqual(report.steps.map((s: { weight: number; status: string }) => [s.weight, s.status]), [[20, "done"], [50, "done"], [100, "done"]]);
    for (const step of report.steps) assert.equal(step.analysis.phase, "Successful", JSON.stringify(step.analysis));
    assert.equal(report.summary.health_score, 100);
    assert.deepEqual(report.environments.map((e: { traffic_percentage: number }) => e.traffic_percentage), [0, 100]);
    assert.equal(report.environments[1].version, "1.1.0");
    assert.deepEqual(await project.liveWeights(), { blue: 0, green: 100 });
    assert.ok(traffic.total > 100, `load ran (${traffic.total} requests)`);
    assert.equal(traffic.failed + traffic.errors, 0, JSON.stringify(traffic));
  });

  it("rolls a bad release back to 100% stable, exits 3, and bounds failed requests by the canary's share", async () => {
    project.writeConfig(releaseConfig(project, { version: "1.1.0", failureRate: 0.5 }));
    const markdownFile = path.join(project.workDir, "reports", "deploy.md");
    const htmlFile = path.join(project.workDir, "reports", "deploy.html");
    const load = startLoad(`http://127.0.0.1:${project.ports.listen}/`);
    const result = await project.cli("deploy", "--json", "--markdown", markdownFile, "--html", htmlFile);
    const traffic = await load.stop();
    assert.equal(result.code, 3, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "rolled-back");
    assert.match(report.rollback.automatic_triggers[0], /analysis failed at step 1 \(20% on green\)/);
    assert.equal(report.steps[0].analysis.phase, "Failed");
    assert.deepEqual(await project.liveWeights(), { blue: 100, green: 0 });
    // The prior release is applied again: green back on 1.0.0, config restored.
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    assert.equal(outputs.slots!.value.green.version, "1.0.0");
    // Only the canary's share (20%) saw the bad release, which fails half of it: about 10%.
    const failedShare = traffic.failed / traffic.total;
    assert.ok(traffic.failed > 0, "the bad release was really exposed");
    assert.ok(failedShare <= 0.2, `failed share ${failedShare.toFixed(3)} of ${traffic.total} must stay within the canary's 20%`);
    // The reports of the rolled-back deploy carry its timeline: the failed step crit, the threshold drawn.
    const markdown = readFileSync(markdownFile, "utf8");
    assert.match(markdown, /^<!-- switchyard-deploy:[^>]+ -->\n### Switchyard deploy: .* rolled back\n/);
    assert.match(markdown, /```mermaid\ngantt\n[^`]*step 1 - 20% on green - analysis Failed :crit, s1, /);
    assert.match(markdown, /```mermaid\nxychart-beta\n\s+title "Traffic on green \(1\.1\.0\), percent"\n/);
    // The probe can fail first and stop the run before error-share measured anything.
    const errorShare = report.timeline.metrics.find((m: { name: string }) => m.name === "error-share");
    if (errorShare?.points.some((p: { value?: number }) => p.value !== undefined)) {
      assert.match(markdown, /```mermaid\nxychart-beta\n\s+title "error-share, threshold max 0\.01 as flat line"\n[^`]*\n\s+line \[0\.01(, 0\.01)*\]\n```/);
    }
    const html = readFileSync(htmlFile, "utf8");
    assert.match(html, /<script type="application\/json" id="switchyard-report">.*"status":"rolled-back"/);
    assert.doesNotMatch(html, /\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });
});
