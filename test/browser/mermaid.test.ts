/**
 * Every chart the Mermaid renderer emits, run through Mermaid's own parser and renderer (the
 * npm package's browser bundle, in headless Chromium: its xychart needs a DOM). A chart that
 * parses but draws nothing would still fail: the gantt's bars and the lines' paths are counted.
 * The rendered charts are kept as test/artifacts/mermaid-charts.png for a person to look at.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { timelineCharts, type MermaidChart } from "../../automation/report/render-mermaid";
import { buildTimeline } from "../../automation/report/timeline";
import { launchBrowser } from "../support/browser";
import { hostile, inFlight, paused, rolledBack, succeeded, T0, THRESHOLDS } from "../unit/report/fixtures";

const MERMAID = require.resolve("mermaid/dist/mermaid.min.js");
const ARTIFACTS = path.join(__dirname, "..", "artifacts");

interface Rendered {
  readonly ok: boolean;
  readonly error?: string;
  readonly svg?: string;
  /** gantt: drawn bars and their widths; xychart: line paths drawn. */
  readonly bars: readonly number[];
  readonly lines: number;
  readonly ticks: readonly string[];
}

const cases = {
  succeeded: buildTimeline(succeeded, { thresholds: THRESHOLDS }),
  "rolled back": buildTimeline(rolledBack, { thresholds: THRESHOLDS }),
  paused: buildTimeline(paused, { thresholds: THRESHOLDS, now: T0 + 30_000 }),
  "in flight": buildTimeline(inFlight, { thresholds: THRESHOLDS, now: T0 + 20_000 }),
  "hostile metric name": buildTimeline(hostile, { thresholds: THRESHOLDS }),
};

async function mermaidPage(browser: Browser, timezoneId = "UTC"): Promise<Page> {
  const context = await browser.newContext({ timezoneId, viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setContent("<!doctype html><html><body><div id=charts></div></body></html>");
  await page.addScriptTag({ content: readFileSync(MERMAID, "utf8") });
  await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
  assert.deepEqual(errors, []);
  return page;
}

/** Parses and renders one chart in the page, as GitHub's viewer does, and reports what it drew. */
function render(page: Page, text: string, id: string): Promise<Rendered> {
  return page.evaluate(
    async ([source, elementId]) => {
      const mermaid = (globalThis as any).mermaid;
      const doc = (globalThis as any).document;
      try {
        await mermaid.parse(source);
        const { svg } = await mermaid.render(elementId, source);
        const holder = doc.createElement("div");
        holder.innerHTML = svg;
        doc.getElementById("charts").appendChild(holder);
        const bars = [...holder.querySelectorAll("rect.task")].map((r: any) => Number(r.getAttribute("width")));
        const lines = [...holder.querySelectorAll("path")].filter((p: any) => /plot/.test(p.parentElement?.getAttribute("class") ?? "") || /line-plot/.test(p.getAttribute("class") ?? "")).length;
        const ticks = [...holder.querySelectorAll(".tick text")].map((t: any) => t.textContent);
        return { ok: true, svg, bars, lines, ticks };
      } catch (error) {
        return { ok: false, error: String((error as Error)?.message ?? error), bars: [], lines: 0, ticks: [] };
      }
    },
    [text, id] as const,
  );
}

describe("Mermaid's own parser and renderer accept every chart (headless Chromium)", function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
    page = await mermaidPage(browser);
  });
  after(async () => {
    if (page) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "mermaid-charts.png"), fullPage: true });
    }
    await browser?.close();
  });

  let n = 0;
  for (const [name, timeline] of Object.entries(cases)) {
    it(`${name}: every chart parses and draws`, async () => {
      const charts: MermaidChart[] = timelineCharts(timeline);
      assert.ok(charts.length >= 2);
      for (const chart of charts) {
        const result = await render(page, chart.text, `chart-${++n}`);
        assert.ok(result.ok, `${chart.kind} chart rejected: ${result.error}\n${chart.text}`);
        if (chart.kind === "steps") {
          const expected = chart.text.split("\n").filter((l) => /:(\w+, )*(s|rb)\d+, /.test(l)).length;
          assert.equal(result.bars.length, expected, chart.text);
          for (const width of result.bars) assert.ok(width > 0, `a bar of width ${width}\n${chart.text}`);
        } else {
          const expected = chart.text.split("\n").filter((l) => /^\s+line \[/.test(l)).length;
          assert.equal(result.lines, expected, `${result.lines} lines drawn of ${expected}\n${chart.text}`);
        }
      }
    });
  }

  it("the README's example charts parse and draw too", async () => {
    const readme = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(blocks.length >= 2);
    for (const [i, text] of blocks.entries()) {
      const result = await render(page, text, `readme-${i}`);
      assert.ok(result.ok, `README chart ${i + 1} rejected: ${result.error}\n${text}`);
    }
  });

  it("rejects a broken chart (so these tests can fail)", async () => {
    const broken = timelineCharts(cases.succeeded)[1]!.text.replace(/\]\n\s+y-axis/, "\n    y-axis");
    const result = await render(page, broken, "broken-1");
    assert.equal(result.ok, false);
    assert.match(result.error!, /Parse error/);
    const unlabelled = await render(page, 'xychart-beta\n    title "a "quoted" name"\n    line [1, 2]\n', "broken-2");
    assert.equal(unlabelled.ok, false, "an unescaped quote breaks an xychart: the renderer must never emit one");
  });

  it("the gantt's axis reads time since the start in every time zone", async () => {
    const text = timelineCharts(cases.succeeded)[0]!.text;
    for (const zone of ["Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"]) {
      const there = await mermaidPage(browser, zone);
      try {
        const drawn = await render(there, text, "tz-1");
        assert.ok(drawn.ok, drawn.error);
        assert.ok(drawn.ticks.length > 2 && drawn.ticks.every((t) => /^00:00:[0-5]\d$/.test(t)), `${zone}: ${drawn.ticks.join(" ")}`);
        assert.deepEqual(drawn.ticks, (await render(page, text, `tz-${zone.length}`)).ticks);
      } finally {
        await there.context().close();
      }
    }
  });
});
