/**
 * Markdown for a pull-request comment or a CI step summary. The first line is a hidden marker
 * naming the stack, so that a workflow can find and update its own comment instead of adding one
 * per run. A rollout in progress adds its timeline's charts.
 */
import { cell, code, markerLine } from "../report/markdown-text";
import { timelineSection } from "../report/timeline-markdown";
import { countsLine, itemWords, scopeNote } from "./format";
import { CHANGE_CLASSES, type ChangeClass, type DriftReport } from "./model";

/** Kept here too: drift's callers and tests import it from this module. */
export { cell };

export const markdownMarker = (stack: string) => markerLine("drift", stack);

const TITLES: Readonly<Record<ChangeClass, string>> = {
  drift: "Drift: changed outside Pulumi",
  "pending-change": "Pending changes: code or config not yet applied",
  rollout: "Rollout in progress (expected)",
  ignored: "Ignored by rule",
};

export function renderDriftMarkdown(report: DriftReport): string {
  const s = report.summary;
  const verdict = s.counts.drift > 0 ? ":warning: drift found" : ":white_check_mark: no drift";
  const lines = [markdownMarker(s.stack), `### Switchyard drift: \`${cell(s.stack)}\` — ${verdict}`, "", `${countsLine(s.counts, s.resources_checked)}; status **${s.status}**, exit ${s.exit_code}.`];
  const scope = scopeNote(s.questions);
  if (scope) lines.push("", `_${cell(scope)}_`);
  if (report.rollout) lines.push("", `Rollout \`${cell(report.rollout.id)}\` is ${report.rollout.status} (blue ${report.rollout.weights.blue}% / green ${report.rollout.weights.green}%).`);
  if (report.timeline) lines.push("", ...timelineSection(report.timeline));
  for (const cls of CHANGE_CLASSES) {
    const items = report.items.filter((item) => item.class === cls);
    if (!items.length) continue;
    lines.push("", `#### ${TITLES[cls]} (${items.length})`, "", "| resource | property | in state | now | note |", "|---|---|---|---|---|");
    for (const words of items.map(itemWords)) {
      lines.push(`| ${code(words.resource)} | ${cell(words.property)} | ${code(words.state)} | ${code(words.now)} | ${cell(words.note)} |`);
    }
  }
  if (report.fix) {
    lines.push("", `#### Fix: ${report.fix.mode} (${report.fix.applied ? "applied" : "not applied"})`);
    for (const step of report.fix.follow_up) lines.push(`- ${cell(step)}`);
  }
  if (report.next_steps.length) lines.push("", "Next:", ...report.next_steps.map((step) => `- \`${cell(step)}\``));
  return `${lines.join("\n")}\n`;
}
