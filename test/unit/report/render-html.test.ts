/** The HTML report as a file: self-contained, its data intact, nothing from outside able to break out. */
import assert from "node:assert/strict";
import { readReportAssets } from "../../../automation/report/assets";
import { buildReport } from "../../../automation/report/build";
import { renderJson } from "../../../automation/report/render";
import { escapeHtml, renderReportHtml, scriptJson, scriptSource } from "../../../automation/report/render-html";
import { renderReportMarkdown } from "../../../automation/report/render-markdown";
import type { StackOutputs } from "../../../model/outputs";
import { hostile, hostileName, rolledBack, T0, THRESHOLDS } from "./fixtures";

const outputs = { weights: { blue: 100, green: 0 }, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } } as unknown as StackOutputs;
const report = (record = rolledBack, message = "rolled back: analysis failed at step 1") =>
  buildReport({ command: "deploy", stack: "prod", environment: "production", startedAt: T0, now: T0 + 25_000, status: "rolled-back", message, outputs, record, thresholds: THRESHOLDS });

/** The report's JSON as the page reads it back. */
const embedded = (html: string) => JSON.parse(/<script type="application\/json" id="switchyard-report">([\s\S]*?)<\/script>/.exec(html)![1]!);

describe("HTML report", () => {
  const assets = readReportAssets();
  const html = renderReportHtml(report(), assets);

  it("is one file: Chart.js and the timeline script inlined, nothing fetched", () => {
    assert.ok(html.includes("Chart.js v4.6.1"));
    assert.ok(html.includes("window.SwitchyardTimeline") || html.includes("root.SwitchyardTimeline"));
    assert.doesNotMatch(html, /\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it("carries the report as JSON that reads back the same", () => {
    assert.deepEqual(embedded(html), JSON.parse(JSON.stringify(report())));
  });

  it("renders the summary on the server: outcome, environments, steps with verdicts, triggers", () => {
    assert.match(html, /<h1>Switchyard deploy <code>prod<\/code>: <span class="status status-rolled-back">rolled back<\/span><\/h1>/);
    assert.match(html, /<table id="environments">.*<td>blue<\/td><td><code>1\.0\.0<\/code><\/td><td>100%<\/td>/s);
    assert.match(html, /<table id="steps">.*<td>1\/3<\/td><td>shift<\/td><td>20%<\/td><td><span class="status status-failed">failed<\/span><\/td><td><span class="status status-failed">Failed<\/span>: error-share 2 measurements<\/td>/s);
    assert.match(html, /<ul id="rollback-triggers"><li>analysis failed at step 1 \(20% on green\): error-share 0\.31 &gt; max 0\.01<\/li>/);
    assert.match(html, /<summary>Measurements \(2\)<\/summary>/);
  });

  it("no name or message can end its script element or inject markup", () => {
    const evil = "</script><script>alert(1)</script><!--";
    const page = renderReportHtml(report(hostile, evil), assets);
    const scripts = page.match(/<script\b/g)!.length;
    assert.equal(scripts, renderReportHtml(report(hostile, "fine"), assets).match(/<script\b/g)!.length);
    assert.equal(page.split("</script>").length - 1, scripts);
    assert.equal(embedded(page).summary.message, evil);
    assert.equal(embedded(page).timeline.metrics[0].name, hostileName);
    assert.ok(!page.includes("<script>alert(1)"));
    assert.match(page, /<p class="message">&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;!--<\/p>/);
  });

  it("escapers: HTML text and attributes, JSON and scripts inside <script>", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    assert.equal(scriptJson({ a: "</script>\u2028<!--&" }), '{"a":"\\u003c/script\\u003e\\u2028\\u003c!--\\u0026"}');
    assert.deepEqual(JSON.parse(scriptJson({ a: "</script>\u2028<!--&" })), { a: "</script>\u2028<!--&" });
    assert.equal(scriptSource('var s = "</SCRIPT><!--";'), 'var s = "<\\/SCRIPT><\\!--";');
  });

  it("carries no config: the record's configs (which may hold secrets) stay out of every rendering", () => {
    const secret = "s3cr3t-token-value";
    const config = { slots: { green: { env: { TOKEN: secret } } }, analysis: { headers: { Authorization: secret } } };
    const withConfig = { ...rolledBack, priorConfig: config, finalConfig: config, intent: config, release: config };
    const built = report(withConfig);
    for (const rendered of [renderJson(built), renderReportMarkdown(built), renderReportHtml(built, assets)]) assert.ok(!rendered.includes(secret));
    assert.ok(built.timeline);
  });

  it("a report without a rollout has no charts and loads no script but its data", () => {
    const plain = renderReportHtml(buildReport({ command: "deploy", stack: "prod", environment: "production", startedAt: T0, now: T0, status: "success", outputs, changes: { update: 1 } }), assets);
    assert.doesNotMatch(plain, /Chart\.js/);
    assert.doesNotMatch(plain, /id="timeline"/);
    assert.match(plain, /Resources: 1 update\./);
  });
});
