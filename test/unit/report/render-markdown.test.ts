/** The Markdown of rollout reports and of drift with a rollout in progress, as a reviewer reads them. */
import assert from "node:assert/strict";
import { buildDriftReport } from "../../../automation/drift/report";
import { cell as driftCell, renderDriftMarkdown } from "../../../automation/drift/render-markdown";
import { rolloutContext } from "../../../automation/drift/rollout-context";
import { buildReport, type ReportInput } from "../../../automation/report/build";
import { cell } from "../../../automation/report/markdown-text";
import { timelineCharts } from "../../../automation/report/render-mermaid";
import { renderReportMarkdown } from "../../../automation/report/render-markdown";
import { buildTimeline } from "../../../automation/report/timeline";
import type { StackOutputs } from "../../../model/outputs";
import { inFlight, rolledBack, succeeded, T0, THRESHOLDS } from "./fixtures";

const outputs = {
  endpoint: "http://127.0.0.1:18080",
  weights: { blue: 100, green: 0 },
  slots: { blue: { version: "1.0.0", endpoint: "http://127.0.0.1:18081" }, green: { version: "1.0.0", endpoint: "http://127.0.0.1:18082" } },
} as unknown as StackOutputs;

const input = (fields: Partial<ReportInput>): ReportInput => ({ command: "deploy", stack: "prod", environment: "production", startedAt: T0, now: T0 + 25_000, status: "success", outputs, thresholds: THRESHOLDS, ...fields });

/** The bodies of the ```mermaid fences, in order. */
const fences = (markdown: string) => [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

describe("Markdown report of a deploy", () => {
  const rolled = renderReportMarkdown(buildReport(input({ status: "rolled-back", record: rolledBack, message: rolledBack.statusReason, nextSteps: ["fix the release on green, then deploy again"] })));

  it("starts with a hidden marker naming command and stack, then the outcome", () => {
    const lines = rolled.split("\n");
    assert.equal(lines[0], "<!-- switchyard-deploy:prod -->");
    assert.equal(lines[1], "### Switchyard deploy: `prod` — :leftwards_arrow_with_hook: rolled back");
    assert.match(rolled, /rollout `r-1a2b3c4d` · canary · production · 25\.0 s · health score 50/);
    assert.match(rolled, /\n> rolled back: analysis failed at step 1\n/);
  });

  it("tables what serves, and each step with its status and analysis verdict", () => {
    assert.match(rolled, /\| blue \| `1\.0\.0` \| 100% \|  \| `http:\/\/127\.0\.0\.1:18081` \|/);
    assert.match(rolled, /\| green \| `1\.0\.0` \| 0% \| 1\/2 \|/);
    assert.match(rolled, /\| step \| kind \| traffic on green \| status \| analysis \|/);
    assert.match(rolled, /\| 1\/3 \| shift \| 20% \| failed \| \*\*Failed\*\*: error-share 2 measurements \|/);
    assert.match(rolled, /\| 2\/3 \| shift \| 50% \| pending \| not analysed \|/);
    assert.match(rolled, /#### Rolled back because\n\n- analysis failed at step 1 \(20% on green\): error-share 0\.31 &gt; max 0\.01\n/);
    assert.match(rolled, /Next:\n- `fix the release on green, then deploy again`/);
  });

  it("ends with the timeline: the same Mermaid charts the renderer draws, each under a caption", () => {
    const charts = timelineCharts(buildTimeline(rolledBack, { thresholds: THRESHOLDS, now: T0 + 25_000 }));
    assert.deepEqual(fences(rolled), charts.map((c) => c.text.trimEnd()));
    assert.deepEqual(fences(rolled).map((f) => f.split("\n")[0]), ["gantt", "xychart-beta", "xychart-beta"]);
    assert.match(rolled, /#### Timeline of rollout `r-1a2b3c4d`\n\n_Steps of rollout r-1a2b3c4d over time_\n\n```mermaid\ngantt\n/);
    assert.ok(rolled.indexOf("#### Timeline") > rolled.indexOf("Next:"));
  });

  it("names a metric with nothing to draw instead of leaving it out", () => {
    const text = renderReportMarkdown(buildReport(input({ record: succeeded })));
    assert.match(text, /- `probe`: no values to draw \(pass or fail only\): 6 Successful/);
    assert.equal(fences(text).length, 3);
  });

  it("a deploy without a rollout (one update) has no timeline; its resources are counted", () => {
    const text = renderReportMarkdown(buildReport(input({ changes: { update: 2, same: 5 }, health: { verdict: "degraded", problems: [{ level: "degraded", subject: "green|slot", message: "process gone\nsince 10:00", fix: "deploy" }], notes: [] } })));
    assert.doesNotMatch(text, /```mermaid/);
    assert.match(text, /Resources: 2 update, 5 unchanged\./);
    assert.match(text, /#### Health: degraded\n\n- :warning: `green\\\|slot`: process gone since 10:00 — deploy/);
  });

  it("escapes what comes from outside: a message with a pipe, a newline and HTML stays one line of text", () => {
    const text = renderReportMarkdown(buildReport(input({ status: "failed", message: "boom | <script>x</script>\nnext" })));
    assert.match(text, /\n> boom \\\| &lt;script&gt;x&lt;\/script&gt; next\n/);
    assert.match(text, /:x: failed/);
  });
});

describe("Markdown of drift with a rollout in progress", () => {
  const report = (timeline: boolean) =>
    buildDriftReport({
      stack: "prod",
      startedAt: T0,
      now: T0 + 2_000,
      items: [],
      resources: [],
      rollout: rolloutContext(inFlight, []),
      timeline: timeline ? buildTimeline(inFlight, { thresholds: THRESHOLDS, now: T0 + 20_000 }) : undefined,
    });

  it("carries the rollout's charts when the report has its timeline", () => {
    const text = renderDriftMarkdown(report(true));
    assert.match(text, /Rollout `r-1a2b3c4d` is running/);
    assert.deepEqual(fences(text).map((f) => f.split("\n")[0]), ["gantt", "xychart-beta", "xychart-beta"]);
    assert.deepEqual(report(true).timeline?.steps.map((s) => s.outcome), ["done", "baking", "pending"]);
    assert.equal(fences(renderDriftMarkdown(report(false))).length, 0);
  });

  it("shares one cell escaper with the rollout reports", () => {
    assert.equal(driftCell, cell);
  });
});
