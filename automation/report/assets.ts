/**
 * The two browser scripts that draw a timeline: Chart.js's UMD build and our timeline-charts.js.
 * The HTML report inlines them; the dashboard serves the same files, so both draw alike.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ReportAssets } from "./render-html";

/** Chart.js's self-contained build (its package exports only the module builds, so it is found beside them). */
export const chartJsFile = (): string => path.join(path.dirname(require.resolve("chart.js")), "chart.umd.js");

export const TIMELINE_CHARTS_FILE = path.join(__dirname, "assets", "timeline-charts.js");

export function readReportAssets(): ReportAssets {
  return { chartJs: readFileSync(chartJsFile(), "utf8"), timelineCharts: readFileSync(TIMELINE_CHARTS_FILE, "utf8") };
}
