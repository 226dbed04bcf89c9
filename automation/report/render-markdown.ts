/**
 * Markdown of a deploy, rollback or abort report, for a pull-request comment or a CI step
 * summary: the outcome first, then what serves where, each step with its analysis verdict, why it
 * rolled back, the health findings and what to do next; then the rollout's timeline as Mermaid
 * charts, which GitHub draws. Every text from outside goes through `cell` or `code`. Pure.
 */
import type { Finding } from "../health/model";
import { cell, code, markerLine } from "./markdown-text";
import type { Report, ReportStatus } from "./model";
import { formatChanges } from "./render";
import { analysisWords, stepStatus } from "./step-words";
import { timelineSection } from "./timeline-markdown";

const OUTCOMES: Readonly<Record<ReportStatus, string>> = {
  success: ":white_check_mark: success",
  "no-change": ":white_check_mark: no change",
  failed: ":x: failed",
  "rolled-back": ":leftwards_arrow_with_hook: rolled back",
  paused: ":pause_button: paused",
  running: ":hourglass_flowing_sand: running",
};

function summaryLine(report: Report): string {
  const s = report.summary;
  const parts = [
    s.deployment_id ? `${report.timeline?.kind ?? "rollout"} ${code(s.deployment_id)}` : "",
    cell(s.strategy ?? ""),
    cell(s.environment),
    `${s.duration_seconds.toFixed(1)} s`,
    s.health_score !== null ? `health score ${s.health_score}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

function environmentRows(report: Report): string[] {
  const rows = ["| slot | version | traffic | health checks | endpoint |", "|---|---|---|---|---|"];
  for (const env of report.environments) {
    const checks = env.health_checks.total ? `${env.health_checks.passed}/${env.health_checks.total}` : "";
    rows.push(`| ${env.slot} | ${code(env.version ?? "")} | ${env.traffic_percentage}% | ${checks} | ${code(env.endpoint ?? "")} |`);
  }
  return rows;
}

function stepRows(report: Report): string[] {
  const canary = report.timeline?.canary_slot;
  const rows = [`| step | kind | traffic${canary ? ` on ${canary}` : ""} | status | analysis |`, "|---|---|---|---|---|"];
  report.steps.forEach((step, i) => {
    const analysis = step.analysis ? `**${step.analysis.phase}**: ${cell(analysisWords(step) ?? "")}` : "not analysed";
    rows.push(`| ${step.index}/${report.steps.length} | ${cell(step.kind)} | ${step.weight}% | ${cell(stepStatus(report, i))} | ${analysis} |`);
  });
  return rows;
}

const findingLine = (mark: string, f: Finding) => `- ${mark} ${code(f.subject)}: ${cell(f.message)}${f.fix ? ` — ${cell(f.fix)}` : ""}`;

export function renderReportMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [markerLine(s.command, s.stack), `### Switchyard ${cell(s.command)}: ${code(s.stack)} — ${OUTCOMES[s.status]}`, "", summaryLine(report)];
  if (s.message) lines.push("", `> ${cell(s.message)}`);
  const changes = formatChanges(report.changes);
  if (changes) lines.push("", `Resources: ${cell(changes)}.`);
  if (report.endpoint) lines.push("", `Endpoint: ${code(report.endpoint)}`);
  lines.push("", ...environmentRows(report));
  if (report.steps.length) lines.push("", "#### Steps", "", ...stepRows(report));
  const { rollback } = report;
  if (rollback.automatic_triggers.length) lines.push("", "#### Rolled back because", "", ...rollback.automatic_triggers.map((t) => `- ${cell(t)}`));
  if (rollback.available && rollback.previous_version) lines.push("", `Previous version: ${code(rollback.previous_version)}.`);
  if (report.health) {
    const h = report.health;
    lines.push("", `#### Health: ${h.verdict}`);
    if (h.problems.length || h.notes.length) lines.push("", ...h.problems.map((f) => findingLine(f.level === "down" ? ":x:" : ":warning:", f)), ...h.notes.map((f) => findingLine(":information_source:", f)));
  }
  if (report.next_steps.length) lines.push("", "Next:", ...report.next_steps.map((step) => `- ${code(step)}`));
  if (report.timeline) lines.push("", ...timelineSection(report.timeline));
  return `${lines.join("\n")}\n`;
}
