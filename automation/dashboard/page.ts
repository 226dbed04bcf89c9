/**
 * The dashboard's HTML, rendered on the server: every fact is in the page without JavaScript
 * (the read-only summary); the script only adds live updates, charts and the buttons. A stack's
 * summary is one fragment, sent again over the event stream whenever the stack changes, so the
 * page and its updates come from one renderer.
 */
import type { Finding } from "../health/model";
import type { Report } from "../report/model";
import type { Timeline } from "../report/timeline";
import { escapeHtml, scriptJson } from "../report/render-html";
import { formatSeconds } from "../releases/metrics";
import type { PipelineSnapshot } from "./pipelines";
import { type DashboardAction, type RolloutView, type StackSnapshot, verdictOf } from "./view";

/** Escapes any value for HTML content and attribute values. */
const esc = (value: unknown): string => escapeHtml(String(value ?? ""));

const BUTTON_LABELS: Readonly<Record<DashboardAction, string>> = {
  pause: "Pause",
  resume: "Resume",
  promote: "Promote step",
  "promote-full": "Promote to 100%",
  abort: "Abort (roll back)",
};

const table = (head: readonly string[], rows: readonly (readonly string[])[], empty: string) =>
  rows.length ? `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>` : `<p class="empty">${esc(empty)}</p>`;

const findingItem = (f: Finding) => `<li class="finding ${esc(f.level)}"><b>${esc(f.subject)}</b>: ${esc(f.message)}${f.fix ? ` <span class="fix">${esc(f.fix)}</span>` : ""}</li>`;

const pct = (n: number | undefined) => (n === undefined ? "?" : `${n}%`);

function servingSection(report: Report): string {
  const live = report.health?.live_weights;
  const rows = report.environments.map((env) => [esc(env.slot), esc(env.version ?? "—"), esc(pct(env.traffic_percentage)), esc(live ? pct(live[env.slot]) : "not readable"), esc(env.endpoint ?? "")]);
  const health = report.health;
  return `<h3>What serves</h3>${table(["slot", "version", "weight (state)", "weight (data plane)", "endpoint"], rows, "no slots")}
    ${report.summary.message ? `<p class="message">${esc(report.summary.message)}</p>` : ""}
    ${health && (health.problems.length || health.notes.length) ? `<ul class="findings">${[...health.problems, ...health.notes].map(findingItem).join("")}</ul>` : ""}`;
}

function stepsTable(timeline: Timeline): string {
  const rows = timeline.steps.map((s) => [String(s.index), esc(s.kind), `${s.weight}%`, `<span class="outcome ${esc(s.outcome)}">${esc(s.outcome)}</span>`, esc(s.analysis ?? "—"), esc(s.start === undefined ? "" : `${s.start}s${s.end === undefined ? "" : `–${s.end}s`}`)]);
  return table(["step", "kind", `${timeline.canary_slot} weight`, "state", "analysis", "when"], rows, "no steps");
}

function measurementsTable(timeline: Timeline): string {
  const rows = timeline.metrics.flatMap((m) =>
    m.points.slice(-6).map((p) => [esc(m.name), String(p.step), esc(p.value ?? "—"), `<span class="phase ${esc(p.phase)}">${esc(p.phase)}</span>`, esc(p.message ?? ""), esc(`${p.seconds}s`)]),
  );
  return table(["metric", "step", "value", "phase", "why", "at"], rows, "no measurement yet");
}

function actionButtons(stack: string, rollout: RolloutView, readOnly: boolean): string {
  if (readOnly || rollout.actions.length === 0) return "";
  // Disabled until the script runs: without JavaScript the page is the read-only summary.
  const buttons = rollout.actions.map((a) => `<button type="button" class="action ${esc(a)}" data-stack="${esc(stack)}" data-action="${esc(a)}" data-rollout="${esc(rollout.id)}" disabled>${esc(BUTTON_LABELS[a])}</button>`);
  return `<div class="actions">${buttons.join(" ")}</div>`;
}

function rolloutSection(stack: string, rollout: RolloutView | undefined, readOnly: boolean): string {
  if (!rollout) return `<h3>Rollout</h3><p class="empty">no rollout recorded yet</p>`;
  const t = rollout.timeline;
  const head = `${rollout.kind} <code>${esc(rollout.id)}</code> (${esc(t.strategy)}): ${esc(t.stable_slot)} ${esc(t.stable_version)} → ${esc(t.canary_slot)} ${esc(t.canary_version)}`;
  const facts = [
    `<span class="rollout-status ${esc(rollout.status.replace(/\s/g, "-"))}">${esc(rollout.status)}</span>`,
    rollout.active ? `step ${rollout.step}/${rollout.steps} ${esc(rollout.phase)}` : `${rollout.steps} steps`,
    `weights blue ${rollout.weights.blue}% / green ${rollout.weights.green}%`,
    rollout.bakeRemaining !== undefined ? `bake ends in ${rollout.bakeRemaining}s` : "",
    rollout.active ? (rollout.driverAlive ? `driven by ${esc(rollout.driver)}` : "no driver running") : "",
    rollout.request ? `request waiting: ${esc(rollout.request)}` : "",
  ].filter(Boolean);
  return `<h3>${rollout.active ? "Rollout in progress" : "Last rollout"}</h3>
    <p class="rollout-head">${head}</p>
    <p class="rollout-facts">${facts.join(" · ")}</p>
    ${rollout.reason ? `<p class="message">${esc(rollout.reason)}</p>` : ""}
    ${actionButtons(stack, rollout, readOnly)}
    ${stepsTable(t)}
    <h4>Analysis measurements (latest)</h4>${measurementsTable(t)}`;
}

function releasesSection(snapshot: StackSnapshot): string {
  const { releases } = snapshot;
  if (releases.error !== undefined) return `<h3>Releases</h3><p class="error">cannot read the ledger: ${esc(releases.error)}</p>`;
  const list = [...releases.value].reverse();
  const rows = list.map((r, i) => [
    `<code>${esc(r.id)}</code>${i === 0 ? " (current)" : ""}`,
    esc(r.finishedAt),
    esc(r.kind),
    esc(r.activeSlot ?? "split"),
    esc(`blue ${r.versions.blue ?? "?"} / green ${r.versions.green ?? "?"}`),
    esc(r.user),
    i === 0 ? "" : `<code>switchyard rollback --to ${esc(r.id)} --stack ${esc(snapshot.stack)}</code>`,
  ]);
  return `<h3>Releases</h3>${table(["release", "finished", "kind", "serving", "versions", "by", "rollback"], rows, "no release recorded yet")}`;
}


function metricsSection(snapshot: StackSnapshot): string {
  const { metrics } = snapshot;
  if (metrics.error !== undefined) return `<h3>Delivery (DORA)</h3><p class="error">cannot read the ledger: ${esc(metrics.error)}</p>`;
  const m = metrics.value.last30Days;
  const rows = [
    ["deployments", esc(`${m.deployments} (${m.deployment_frequency_per_day} per day)`)],
    ["lead time for changes", esc(formatSeconds(m.lead_time_seconds))],
    ["change failure rate", esc(m.change_failure_rate === null ? "n/a" : `${(m.change_failure_rate * 100).toFixed(1)}%`)],
    ["time to restore", esc(formatSeconds(m.time_to_restore_seconds))],
  ];
  return `<h3>Delivery (DORA, last 30 days)</h3>${table(["metric", "value"], rows, "")}`;
}

function driftSection(snapshot: StackSnapshot): string {
  const { drift } = snapshot;
  if (drift.error !== undefined) return `<h3>Drift</h3><p class="error">cannot read the last drift report: ${esc(drift.error)}</p>`;
  const report = drift.value;
  if (!report) return `<h3>Drift</h3><p class="empty">no drift check recorded: run <code>switchyard drift --stack ${esc(snapshot.stack)}</code></p>`;
  const s = report.summary;
  // Values are left out: the page lists what changed; the drift report itself shows values (masked where secret).
  const rows = report.items.filter((i) => i.class !== "ignored").map((i) => [esc(i.class), `<code>${esc(i.resource)}</code>`, esc(i.operation), esc(i.property ?? "(whole resource)"), esc(i.note ?? "")]);
  return `<h3>Drift (last check ${esc(s.started_at)})</h3>
    <p><span class="drift-status ${esc(s.status)}">${esc(s.status)}</span> · ${s.counts.drift} drifted, ${s.counts["pending-change"]} pending, ${s.counts.rollout} rollout · ${s.resources_checked} resources checked (${esc(s.questions.join(" and "))})</p>
    ${table(["class", "resource", "operation", "property", "note"], rows, "nothing changed")}`;
}

function regionSection(snapshot: StackSnapshot): string {
  const move = snapshot.regionMove;
  if (!move) return "";
  const weights = Object.entries(move.weights).map(([region, w]) => `${region} ${w}%`).join(" / ");
  return `<h3>Regions</h3><p>${esc(move.kind)} <code>${esc(move.id)}</code> ${esc(move.from)} → ${esc(move.to)}: ${esc(move.status)} (${esc(move.phase)}), ${esc(weights)}${move.statusReason ? ` — ${esc(move.statusReason)}` : ""}</p>`;
}

/** One stack's summary: the fragment the page holds and the event stream replaces. */
export function stackSummary(snapshot: StackSnapshot, options: { readonly readOnly: boolean }): string {
  const verdict = verdictOf(snapshot);
  const status = snapshot.status;
  const statusPart =
    status === undefined
      ? `<p class="empty">status is being read…</p>`
      : status.error !== undefined
        ? `<p class="error">status could not be read: ${esc(status.error)}</p>`
        : servingSection(status.value);
  return `<h2>${esc(snapshot.stack)} <span class="verdict ${esc(verdict)}">${esc(verdict)}</span></h2>
    <p class="read-at">records read ${esc(snapshot.readAt)}${status ? ` · status read ${esc(status.at)}` : ""}</p>
    ${snapshot.recordsError ? `<p class="error">the stack's records cannot be read: ${esc(snapshot.recordsError)}</p>` : ""}
    ${statusPart}
    ${rolloutSection(snapshot.stack, snapshot.rollout, options.readOnly)}
    ${regionSection(snapshot)}
    ${driftSection(snapshot)}
    ${releasesSection(snapshot)}
    ${metricsSection(snapshot)}`;
}

/** One pipeline's last run: its stages in order and the latest promotions. */
export function pipelineSummary(snapshot: PipelineSnapshot): string {
  const head = (badge: string) => `<h2>pipeline ${esc(snapshot.name)} ${badge}</h2>`;
  if (snapshot.error !== undefined) return `${head('<span class="verdict error">error</span>')}<p class="error">its records cannot be read: ${esc(snapshot.error)}</p>`;
  const run = snapshot.run;
  if (!run) return `${head('<span class="verdict unknown">never run</span>')}<p class="empty">run it: <code>switchyard pipeline run ${esc(snapshot.name)} --version V</code></p>`;
  const stages = run.stages.map((s, i) => [
    String(i + 1),
    `<a href="#stack-${esc(s.stack)}">${esc(s.stack)}</a>`,
    `<span class="stage-status ${esc(s.status)}">${esc(s.status)}</span>`,
    s.deployment_id ? `<code>${esc(s.deployment_id)}</code>` : "",
    esc(s.verification ?? ""),
    esc(s.approved_by ? `${s.approved_by} at ${s.approved_at}` : ""),
    esc(s.reason ?? ""),
  ]);
  const promotions = [...run.promotions].reverse().map((p) => [esc(p.at), esc(p.stack), esc(p.version), `<span class="stage-status ${esc(p.outcome)}">${esc(p.outcome)}</span>`, esc(p.by), esc(p.approvedBy ?? ""), `<code>${esc(p.run)}</code>`]);
  const driver = run.driver ? (run.driverAlive ? `driven by ${esc(run.driver)}` : "no driver running") : "";
  return `${head(`<span class="run-status ${esc(run.status)}">${esc(run.status)}</span>`)}
    <p class="rollout-facts">run <code>${esc(run.run)}</code> · version ${esc(run.version)} · started by ${esc(run.started_by)} at ${esc(run.started_at)}${driver ? ` · ${driver}` : ""}</p>
    ${run.reason ? `<p class="message">${esc(run.reason)}</p>` : ""}
    ${table(["stage", "stack", "status", "rollout", "verification", "approved", "note"], stages, "no stages")}
    <h4>Promotions (latest first)</h4>${table(["at", "stack", "version", "outcome", "by", "approved by", "run"], promotions, "none yet")}`;
}

/** What the script needs besides the fragment: the chart data. */
export function chartData(snapshot: StackSnapshot) {
  return { stack: snapshot.stack, timeline: snapshot.rollout?.timeline ?? null, weekly: snapshot.metrics.value?.weekly ?? null };
}

export interface PageOptions {
  readonly readOnly: boolean;
  /** The run's token, for the buttons' header; absent in read-only mode. */
  readonly token?: string;
}

export function dashboardPage(snapshots: readonly StackSnapshot[], options: PageOptions, pipelines: readonly PipelineSnapshot[] = []): string {
  const pipelineSections = pipelines.map((p) => `<section class="pipeline" id="pipeline-${esc(p.name)}" data-pipeline="${esc(p.name)}"><div class="summary">${pipelineSummary(p)}</div></section>`);
  const sections = snapshots.map(
    (s) => `<section class="stack" id="stack-${esc(s.stack)}" data-stack="${esc(s.stack)}">
      <div class="summary">${stackSummary(s, options)}</div>
      <p class="action-result" role="status"></p>
      <div class="charts"><noscript><p class="empty">Charts need JavaScript; every figure above is in the tables.</p></noscript></div>
    </section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard dashboard</title>
${options.token && !options.readOnly ? `<meta name="switchyard-token" content="${esc(options.token)}">` : ""}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/chart.umd.js" defer></script>
<script src="/assets/timeline-charts.js" defer></script>
<script src="/assets/dashboard.js" defer></script>
</head>
<body${options.readOnly ? ' class="read-only"' : ""}>
<header><h1>Switchyard</h1><nav>${[...pipelines.map((p) => `<a href="#pipeline-${esc(p.name)}">pipeline ${esc(p.name)}</a>`), ...snapshots.map((s) => `<a href="#stack-${esc(s.stack)}">${esc(s.stack)}</a>`)].join(" ")}</nav><span id="live" class="live">static page (JavaScript off: reload for fresh figures)</span></header>
<main>
${[...pipelineSections, ...sections].join("\n")}
</main>
<script type="application/json" id="chart-data">${scriptJson(snapshots.map(chartData))}</script>
</body>
</html>`;
}

/** A page for a refused request: says why and what to do, nothing else. */
export function refusalPage(status: number, reason: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchyard dashboard: ${status}</title></head><body><h1>${status}</h1><p>${esc(reason)}</p></body></html>`;
}
