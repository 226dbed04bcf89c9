/** Renders a policy report for people (terminal, CI logs, PR comments) and for machines. */
import type { PolicyReport } from "./run";

const where = (f: { resource?: { type: string; name: string } }) => (f.resource ? `${f.resource.name} (${f.resource.type})` : "stack");

export function renderPolicyText(report: PolicyReport): string {
  const mandatory = report.findings.filter((f) => f.level === "mandatory").length;
  const advisory = report.findings.length - mandatory;
  const verdict = report.blocked ? "BLOCKED" : "passed";
  const lines = [`policy ${report.operation} ${report.stack}: ${verdict} — ${mandatory} mandatory, ${advisory} advisory, ${report.remediations.length} remediated`];
  for (const f of report.findings) {
    lines.push(`  ${f.level === "mandatory" ? "✗" : "!"} [${f.level}${f.severity ? `, ${f.severity}` : ""}] ${f.rule} — ${where(f)}`);
    lines.push(`      why: ${f.why}`);
    lines.push(`      fix: ${f.fix}`);
  }
  for (const r of report.remediations) {
    lines.push(`  ↻ [remediated] ${r.rule} — ${where(r)}: ${r.changed.join(", ") || "inputs"} ${report.operation === "preview" ? "would be" : "were"} set by the pack`);
  }
  return lines.join("\n");
}

export function renderPolicyMarkdown(report: PolicyReport): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const lines = [`### Policy: ${report.blocked ? "❌ blocked" : "✅ passed"} (\`${report.stack}\`)`, ""];
  if (report.findings.length) {
    lines.push(row(["level", "rule", "resource", "why", "how to fix"]), row(["---", "---", "---", "---", "---"]));
    for (const f of report.findings) lines.push(row([f.level, `\`${f.rule}\``, where(f), f.why, f.fix]));
  } else {
    lines.push("No violations.");
  }
  for (const r of report.remediations) lines.push("", `Remediated by \`${r.rule}\` on ${where(r)}: ${r.changed.join(", ")}`);
  return lines.join("\n");
}

export const renderPolicyJson = (report: PolicyReport) => JSON.stringify(report, null, 2);
