/** The terminal table of a drift report. */
import { countsLine, itemWords, scopeNote, type ItemWords } from "./format";
import type { DriftReport } from "./model";

const COLUMNS: readonly (readonly [keyof ItemWords, string])[] = [
  ["class", "CLASS"],
  ["resource", "RESOURCE"],
  ["property", "PROPERTY"],
  ["state", "IN STATE"],
  ["now", "NOW"],
  ["note", "NOTE"],
];

export function table(rows: readonly ItemWords[]): string[] {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(COLUMNS.map(([, title]) => title)), ...rows.map((row) => line(COLUMNS.map(([key]) => row[key])))];
}

export function renderDriftText(report: DriftReport): string {
  const s = report.summary;
  const lines = [`drift ${s.stack}: ${s.status} in ${s.duration_seconds.toFixed(1)} s`, `  ${countsLine(s.counts, s.resources_checked)}`];
  const scope = scopeNote(s.questions);
  if (scope) lines.push(`  ${scope}`);
  if (report.rollout) lines.push(`  rollout ${report.rollout.id} is ${report.rollout.status} at blue ${report.rollout.weights.blue}% / green ${report.rollout.weights.green}%: its weights are expected`);
  if (report.items.length) lines.push("", ...table(report.items.map(itemWords)).map((l) => `  ${l}`));
  if (report.fix) {
    const f = report.fix;
    const changes = f.changes ? Object.entries(f.changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${n} ${op}`).join(", ") : "";
    lines.push("", `  fix ${f.mode}: ${f.applied ? "applied" : "not applied"}${f.targets.length ? ` to ${f.targets.length} resource(s)` : ""}${changes ? ` (${changes})` : ""}`);
    for (const step of f.follow_up) lines.push(`    ${step}`);
  }
  for (const step of report.next_steps) lines.push(`  next: ${step}`);
  return lines.join("\n");
}

export function renderDriftJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2);
}
