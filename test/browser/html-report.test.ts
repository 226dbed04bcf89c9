/**
 * The HTML report opened from disk in headless Chromium: it loads without an error or a single
 * request beyond itself, draws its charts (canvases of real size, the data a reader expects),
 * redraws in place for a live page, and with JavaScript off still shows the summary tables.
 * Screenshots go to test/artifacts/.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { readReportAssets } from "../../automation/report/assets";
import { buildReport } from "../../automation/report/build";
import { renderReportHtml } from "../../automation/report/render-html";
import { buildTimeline, type Timeline } from "../../automation/report/timeline";
import type { StackOutputs } from "../../model/outputs";
import { launchBrowser } from "../support/browser";
import { inFlight, rolledBack, succeeded, T0, THRESHOLDS } from "../unit/report/fixtures";

const ARTIFACTS = path.join(__dirname, "..", "artifacts");
const outputs = { weights: { blue: 100, green: 0 }, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } } as unknown as StackOutputs;

describe("HTML report in headless Chromium", function () {
  this.timeout(120_000);
  let browser: Browser;
  let dir: string;
  let file: string;

  before(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(tmpdir(), "sy-html-"));
    file = path.join(dir, "report.html");
    const report = buildReport({ command: "deploy", stack: "prod", environment: "production", startedAt: T0, now: T0 + 25_000, status: "rolled-back", message: rolledBack.statusReason, outputs, record: rolledBack, thresholds: THRESHOLDS });
    writeFileSync(file, renderReportHtml(report, readReportAssets()));
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the report; collects console errors, page errors and every request. */
  async function open(javaScriptEnabled = true): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    return { page, problems, requests };
  }

  it("loads with no error and no request beyond itself, and draws every chart", async () => {
    const { page, problems, requests } = await open();
    try {
      await page.waitForSelector("#timeline-charts canvas");
      assert.deepEqual(problems, []);
      assert.deepEqual(requests, [pathToFileURL(file).href]);
      const charts = await page.$$eval("#timeline-charts figure", (figures) => figures.map((f) => f.getAttribute("data-chart")));
      assert.deepEqual(charts, ["steps", "traffic", "metric:error-share"]);
      for (const canvas of await page.$$("#timeline-charts canvas")) {
        const box = (await canvas.boundingBox())!;
        assert.ok(box.width > 100 && box.height > 50, JSON.stringify(box));
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "html-report.png"), fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it("draws what a reader expects: the failed step red, traffic stepped back to 0, the threshold dashed at its value", async () => {
    const { page } = await open();
    try {
      const drawn = await page.evaluate(() => {
        const w = globalThis as any;
        const [steps, traffic, metric] = w.SwitchyardTimeline.charts(w.document.getElementById("timeline-charts"));
        return {
          labels: steps.data.labels,
          colors: steps.data.datasets[0].backgroundColor,
          bars: steps.data.datasets[0].data,
          traffic: traffic.data.datasets[0].data,
          stepped: traffic.data.datasets[0].stepped,
          values: metric.data.datasets[0].data,
          threshold: metric.data.datasets[1],
        };
      });
      assert.deepEqual(drawn.labels, ["step 1 - 20% on green - Failed", "rollback: traffic back to blue", "rollback: prior release applied again"]);
      assert.equal(drawn.colors[0], "#cf222e");
      assert.deepEqual(drawn.bars[0], [0.5, 14]);
      assert.deepEqual(drawn.traffic, [{ x: 0, y: 0 }, { x: 2, y: 20 }, { x: 16, y: 0 }, { x: 25, y: 0 }]);
      assert.equal(drawn.stepped, "before");
      assert.deepEqual(drawn.values, [{ x: 12.5, y: 0.004 }, { x: 13.5, y: 0.31 }]);
      assert.deepEqual(drawn.threshold.borderDash, [6, 4]);
      assert.equal(drawn.threshold.label, "max 0.01");
      assert.deepEqual(drawn.threshold.data.map((p: { y: number }) => p.y), [0.01, 0.01]);
    } finally {
      await page.context().close();
    }
  });

  it("update() redraws the same charts in place, and draws afresh when a metric appears", async () => {
    const { page, problems } = await open();
    const early = buildTimeline(inFlight, { thresholds: THRESHOLDS, now: T0 + 20_000 });
    const later = buildTimeline(succeeded, { thresholds: THRESHOLDS });
    const grown: Timeline = { ...later, metrics: [...later.metrics, { name: "latency", threshold: { min: 1, max: 250 }, points: [{ seconds: 30, at: "", value: 120, phase: "Successful", step: 3 }] }] };
    try {
      const result = await page.evaluate(
        ([a, b, c]) => {
          const w = globalThis as any;
          const element = w.document.createElement("div");
          element.style.width = "800px";
          w.document.body.appendChild(element);
          const first = w.SwitchyardTimeline.draw(element, a);
          const second = w.SwitchyardTimeline.update(element, b);
          const same = first.length === second.length && first.every((chart: unknown, i: number) => chart === second[i]);
          const traffic = second[1].data.datasets[0].data.map((p: { y: number }) => p.y);
          const third = w.SwitchyardTimeline.update(element, c);
          return { same, traffic, figures: element.querySelectorAll("figure").length, charts: third.length, replaced: third[0] !== first[0], note: element.querySelector(".sy-chart-note")?.textContent };
        },
        [early, later, grown] as const,
      );
      assert.equal(result.same, true, "same shape: the charts are updated, not replaced");
      assert.deepEqual(result.traffic, [0, 20, 50, 100, 100]);
      assert.equal(result.charts, 4);
      assert.equal(result.figures, 4);
      assert.equal(result.replaced, true);
      assert.match(result.note, /^probe: no values to draw/);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  it("with JavaScript off, the summary is all there and the page says the charts need it", async () => {
    const { page, requests } = await open(false);
    try {
      assert.match((await page.textContent("h1"))!, /Switchyard deploy prod: rolled back/);
      assert.equal(await page.locator("#environments tbody tr").count(), 2);
      const steps = await page.$$eval("#steps tbody tr", (rows) => rows.map((r) => (r as unknown as { innerText: string }).innerText.replace(/\s+/g, " ").trim()));
      assert.deepEqual(steps, ["1/3 shift 20% failed Failed: error-share 2 measurements", "2/3 shift 50% pending not analysed", "3/3 shift 100% pending not analysed"]);
      assert.match((await page.textContent("#rollback-triggers"))!, /analysis failed at step 1/);
      assert.match((await page.textContent("#timeline"))!, /The charts need JavaScript/);
      assert.equal(await page.locator("canvas").count(), 0);
      assert.equal(requests.length, 1);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "html-report-no-js.png"), fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});
