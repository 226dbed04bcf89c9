#!/usr/bin/env node
// Builds the pull-request comment of one stack from its reports: the preview (with policy) and
// the drift check's Markdown. Prints Markdown on stdout.
//   node pr-comment.mjs STACK OUT_DIR
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const [stack, out = "reports"] = process.argv.slice(2);
const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;");
const lines = [`<!-- switchyard-pr:${stack} -->`, `## Switchyard: \`${stack}\``, ""];

const previewFile = path.join(out, `preview-${stack}.json`);
if (existsSync(previewFile)) {
  let report;
  try {
    report = JSON.parse(readFileSync(previewFile, "utf8"));
  } catch {
    report = { error: { message: "the preview printed no JSON report" } };
  }
  if (report.error) {
    lines.push(`### Preview: :x: failed`, "", cell(report.error.message));
  } else {
    const changes = Object.entries(report.changes ?? {}).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${n} ${op}`).join(", ") || "no change";
    const blocked = report.policy?.blocked;
    lines.push(`### Preview: ${blocked ? ":no_entry: blocked by policy" : ":white_check_mark: " + cell(report.summary?.status ?? "")}`, "", `Resources: ${cell(changes)}`);
    const findings = report.policy?.findings ?? [];
    if (findings.length) {
      lines.push("", "| level | rule | resource | why | fix |", "|---|---|---|---|---|");
      for (const f of findings) lines.push(`| ${cell(f.level)} | ${cell(f.rule)} | ${cell(f.resource?.name ?? "(stack)")} | ${cell(f.why)} | ${cell(f.fix)} |`);
    }
  }
  lines.push("");
}
const driftFile = path.join(out, `drift-${stack}.md`);
lines.push(existsSync(driftFile) ? readFileSync(driftFile, "utf8") : "### Drift: no report (the check failed before writing one)");
process.stdout.write(`${lines.join("\n")}\n`);
