import type { CommandReport } from "./model";

export function renderJson(report: CommandReport): string {
  return JSON.stringify(report, null, 2);
}

function formatChanges(changes: Record<string, number> | undefined): string {
  if (!changes) return "none";
  const parts = Object.entries(changes)
    .filter(([op, n]) => op !== "same" && n > 0)
    .map(([op, n]) => `${n} ${op}`);
  const same = changes.same ? `${changes.same} unchanged` : "";
  return [...parts, same].filter(Boolean).join(", ") || "none";
}

export function renderText(report: CommandReport): string {
  const lines = [`${report.command} ${report.stack}: ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s`];
  if (report.changes) lines.push(`  resources: ${formatChanges(report.changes)}`);
  if (report.endpoint) lines.push(`  endpoint:  ${report.endpoint}`);
  for (const env of report.environments) {
    const version = env.version ? `v${env.version}` : "";
    lines.push(`  ${env.slot.padEnd(5)} ${String(env.trafficPercentage).padStart(3)}%  ${version.padEnd(10)} ${env.endpoint ?? ""}`.trimEnd());
  }
  if (report.lastUpdate) {
    lines.push(`  last update: ${report.updateVersion ? `#${report.updateVersion} ` : ""}${report.lastUpdate.result} at ${report.lastUpdate.endTime ?? report.lastUpdate.startTime}`);
  }
  for (const step of report.nextSteps) lines.push(`  next: ${step}`);
  return lines.join("\n");
}
