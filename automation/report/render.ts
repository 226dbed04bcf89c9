import { renderPolicyText } from "../policy/render";
import type { Finding } from "../health/model";
import type { Report } from "./model";

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2);
}

/** Resource operations in words: "2 update, 5 unchanged"; undefined when the command ran no update. */
export function formatChanges(changes: Readonly<Record<string, number>> | undefined): string | undefined {
  if (!changes) return undefined;
  const parts = Object.entries(changes)
    .filter(([op, n]) => op !== "same" && n > 0)
    .map(([op, n]) => `${n} ${op}`);
  if (changes.same) parts.push(`${changes.same} unchanged`);
  return parts.join(", ") || "none";
}

const findingLine = (mark: string, f: Finding) => `    ${mark} ${f.subject}: ${f.message}${f.fix ? ` — ${f.fix}` : ""}`;

function healthLines(health: NonNullable<Report["health"]>): string[] {
  return [
    `  health: ${health.verdict}${health.live_weights ? ` (weights on the data plane: blue ${health.live_weights.blue}% / green ${health.live_weights.green}%)` : ""}`,
    ...health.problems.map((f) => findingLine(f.level === "down" ? "✗" : "!", f)),
    ...health.notes.map((f) => findingLine("·", f)),
  ];
}

export function renderText(report: Report): string {
  const s = report.summary;
  // status answers "does it serve?" first; the last update's result is in its message.
  const outcome = s.command === "status" && report.health ? report.health.verdict : s.status;
  const head = `${s.command} ${s.stack}: ${outcome} in ${s.duration_seconds.toFixed(1)} s${s.strategy ? ` (${s.strategy}${s.deployment_id ? ` ${s.deployment_id}` : ""})` : ""}`;
  const lines = [head];
  if (report.health) lines.push(...healthLines(report.health));
  if (s.message) lines.push(`  ${s.message}`);
  const changes = formatChanges(report.changes);
  if (changes) lines.push(`  resources: ${changes}`);
  if (report.endpoint) lines.push(`  endpoint:  ${report.endpoint}`);
  for (const env of report.environments) {
    const version = env.version ? `v${env.version}` : "";
    const checks = env.health_checks.total ? `  checks ${env.health_checks.passed}/${env.health_checks.total}` : "";
    lines.push(`  ${env.slot.padEnd(5)} ${String(env.traffic_percentage).padStart(3)}%  ${version.padEnd(10)} ${env.endpoint ?? ""}${checks}`.trimEnd());
  }
  for (const step of report.steps) {
    const analysis = step.analysis ? `  analysis ${step.analysis.phase}: ${step.analysis.metrics.map((m) => `${m.name} ${m.message}`).join("; ")}` : "";
    lines.push(`  step ${step.index}/${report.steps.length} ${step.kind} ${step.weight}% ${step.status}${analysis}`);
  }
  if (s.health_score !== null) lines.push(`  health score: ${s.health_score}`);
  if (report.rollback.automatic_triggers.length) lines.push(`  rolled back because: ${report.rollback.automatic_triggers.join("; ")}`);
  if (report.policy) lines.push(renderPolicyText(report.policy));
  for (const step of report.next_steps) lines.push(`  next: ${step}`);
  return lines.join("\n");
}
