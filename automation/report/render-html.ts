/**
 * A deploy or rollback report as one self-contained HTML file: the summary (outcome, environments,
 * steps, measurements, rollback, health, next steps) rendered here, readable with JavaScript off;
 * the timeline's charts drawn in the browser by Chart.js and timeline-charts.js, both inlined,
 * from the report's JSON in a `<script type="application/json">`. A Content-Security-Policy
 * forbids every fetch, so the file works offline and cannot leak. Only what the Report model
 * carries appears. Pure: the scripts come in as text (assets.ts reads them).
 */
import type { Finding } from "../health/model";
import type { Report, ReportStatus } from "./model";
import { formatChanges } from "./render";
import { analysisWords, stepStatus } from "./step-words";

export interface ReportAssets {
  /** Chart.js's UMD build (defines the global `Chart`). */
  readonly chartJs: string;
  /** automation/report/assets/timeline-charts.js (defines `SwitchyardTimeline`). */
  readonly timelineCharts: string;
}

/** Text safe in HTML content and in a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * JSON that cannot end its `<script>` element or open a comment in it: every `<`, `>` and `&`
 * is written as a \u escape (JSON.parse reads it back the same), as are the two line separators
 * older JavaScript parsers choke on.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Script source safe inside `<script>`: a `</script` or `<!--` in it (inside a string) cannot end or confuse the element. */
export function scriptSource(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const OUTCOMES: Readonly<Record<ReportStatus, string>> = {
  success: "success",
  "no-change": "no change",
  failed: "failed",
  "rolled-back": "rolled back",
  paused: "paused",
  running: "running",
};

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --run: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --run: #4493f8; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta, .note { color: var(--muted); } .message { border-left: 3px solid var(--line); padding-left: 12px; }
.status { font-weight: 600; } .status-success, .status-no-change, .status-healthy, .status-done, .status-successful { color: var(--ok); }
.status-failed, .status-rolled-back, .status-down, .status-error { color: var(--bad); } .status-paused, .status-degraded, .status-inconclusive { color: var(--warn); }
.status-running, .status-shifting, .status-baking, .status-analysing { color: var(--run); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.sy-chart { margin: 16px 0; } .sy-chart figcaption { font-weight: 600; margin-bottom: 4px; }
`;

const text = (value: string | number | undefined | null) => escapeHtml(value === undefined || value === null ? "" : String(value));
const code = (value: string | undefined) => (value ? `<code>${escapeHtml(value)}</code>` : "");
const status = (word: string) => `<span class="status status-${escapeHtml(word.toLowerCase().replace(/[^a-z-]/g, "-"))}">${escapeHtml(word)}</span>`;
const row = (cells: readonly string[], tag = "td") => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
const table = (id: string, head: readonly string[], rows: readonly string[]) => `<table id="${id}"><thead>${row(head.map(text), "th")}</thead><tbody>${rows.join("")}</tbody></table>`;

function header(report: Report): string {
  const s = report.summary;
  const meta = [
    s.deployment_id ? `${text(report.timeline?.kind ?? "rollout")} ${code(s.deployment_id)}` : "",
    text(s.strategy),
    text(s.environment),
    `${s.duration_seconds.toFixed(1)} s`,
    s.health_score !== null ? `health score ${s.health_score}` : "",
    `started ${text(s.started_at)}`,
  ].filter(Boolean);
  const changes = formatChanges(report.changes);
  return [
    `<header><h1>Switchyard ${text(s.command)} ${code(s.stack)}: ${status(OUTCOMES[s.status])}</h1>`,
    `<p class="meta">${meta.join(" · ")}</p>`,
    s.message ? `<p class="message">${text(s.message)}</p>` : "",
    changes ? `<p>Resources: ${text(changes)}.</p>` : "",
    report.endpoint ? `<p>Endpoint: ${code(report.endpoint)}</p>` : "",
    "</header>",
  ].join("");
}

function environments(report: Report): string {
  const rows = report.environments.map((env) =>
    row([text(env.slot), code(env.version), `${env.traffic_percentage}%`, env.health_checks.total ? `${env.health_checks.passed}/${env.health_checks.total}` : "", code(env.endpoint)]),
  );
  return `<h2>Environments</h2>${table("environments", ["slot", "version", "traffic", "health checks", "endpoint"], rows)}`;
}

function steps(report: Report): string {
  if (!report.steps.length) return "";
  const canary = report.timeline?.canary_slot;
  const rows = report.steps.map((step, i) =>
    row([
      `${step.index}/${report.steps.length}`,
      text(step.kind),
      `${step.weight}%`,
      status(stepStatus(report, i)),
      step.analysis ? `${status(step.analysis.phase)}: ${text(analysisWords(step))}` : `<span class="note">not analysed</span>`,
    ]),
  );
  return `<h2>Steps</h2>${table("steps", ["step", "kind", `traffic${canary ? ` on ${canary}` : ""}`, "status", "analysis"], rows)}`;
}

/** Every measurement, so that the values behind the charts are there without JavaScript too. */
function measurements(report: Report): string {
  const series = report.timeline?.metrics ?? [];
  const points = series.flatMap((s) => s.points.map((p) => ({ name: s.name, threshold: s.threshold, ...p })));
  if (!points.length) return "";
  const bound = (t: { min?: number; max?: number } | undefined) => [t?.min !== undefined ? `min ${t.min}` : "", t?.max !== undefined ? `max ${t.max}` : ""].filter(Boolean).join(", ");
  const rows = points.map((p) => row([text(p.name), String(p.step), String(p.seconds), p.value !== undefined ? text(p.value) : "", text(bound(p.threshold)), status(p.phase), text(p.message)]));
  return `<details><summary>Measurements (${points.length})</summary>${table("measurements", ["metric", "step", "seconds since start", "value", "threshold", "phase", "message"], rows)}</details>`;
}

const finding = (f: Finding) => `<li>${code(f.subject)}: ${text(f.message)}${f.fix ? ` — ${text(f.fix)}` : ""}</li>`;

function aftermath(report: Report): string {
  const parts: string[] = [];
  const { rollback, health } = report;
  if (rollback.automatic_triggers.length) parts.push(`<h2>Rolled back because</h2><ul id="rollback-triggers">${rollback.automatic_triggers.map((t) => `<li>${text(t)}</li>`).join("")}</ul>`);
  if (rollback.available && rollback.previous_version) parts.push(`<p>Previous version: ${code(rollback.previous_version)}.</p>`);
  if (health) {
    parts.push(`<h2>Health: ${status(health.verdict)}</h2>`);
    if (health.problems.length || health.notes.length) parts.push(`<ul id="health">${[...health.problems, ...health.notes].map(finding).join("")}</ul>`);
  }
  if (report.next_steps.length) parts.push(`<h2>Next</h2><ul id="next-steps">${report.next_steps.map((s) => `<li>${code(s)}</li>`).join("")}</ul>`);
  return parts.join("");
}

function timeline(report: Report, assets: ReportAssets): string {
  const t = report.timeline;
  if (!t) return "";
  const boot = `(function () {
  var report = JSON.parse(document.getElementById("switchyard-report").textContent);
  window.SwitchyardTimeline.draw(document.getElementById("timeline-charts"), report.timeline);
})();`;
  return [
    `<section id="timeline"><h2>Timeline of ${text(t.kind)} ${code(t.id)}</h2>`,
    `<noscript><p class="note">The charts need JavaScript; the tables above hold the same facts.</p></noscript>`,
    `<div id="timeline-charts" class="switchyard-timeline"></div></section>`,
    `<script>${scriptSource(assets.chartJs)}</script>`,
    `<script>${scriptSource(assets.timelineCharts)}</script>`,
    `<script>${boot}</script>`,
  ].join("\n");
}

export function renderReportHtml(report: Report, assets: ReportAssets): string {
  const s = report.summary;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Switchyard ${text(s.command)} ${text(s.stack)}: ${text(OUTCOMES[s.status])}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(report)}
<section id="summary">${environments(report)}${steps(report)}${measurements(report)}${aftermath(report)}</section>
<script type="application/json" id="switchyard-report">${scriptJson(report)}</script>
${timeline(report, assets)}
</main>
</body>
</html>
`;
}
