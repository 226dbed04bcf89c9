#!/usr/bin/env node
// Builds the pull-request comment of one stack from its reports: the plain preview with the
// policy pack (its text output and exit code) and the drift check's Markdown. Prints Markdown on stdout.
//   node pr-comment.mjs STACK OUT_DIR
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const [stack, out = "reports"] = process.argv.slice(2);
const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;");
const lines = [`<!-- switchyard-pr:${stack} -->`, `## Switchyard: \`${stack}\``, ""];

const previewFile = path.join(out, `preview-${stack}.txt`);
if (existsSync(previewFile)) {
  // The plain CLI's own output: its resource summary and its "Policies:" section, as it printed them.
  const text = readFileSync(previewFile, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  const exitFile = path.join(out, `preview-${stack}.exit`);
  const code = existsSync(exitFile) ? Number(readFileSync(exitFile, "utf8").trim()) : NaN;
  const section = (title) => text.match(new RegExp(`^${title}:\\n((?:[ \\t]+.*\\n?|\\n(?=[ \\t]))*)`, "m"))?.[1]?.trimEnd();
  const policies = section("Policies");
  const blocked = /\[mandatory\]/.test(policies ?? "");
  const status = code === 0 ? ":white_check_mark: passed" : blocked ? ":no_entry: blocked by policy" : `:x: failed (exit ${Number.isNaN(code) ? "unknown" : code})`;
  lines.push(`### Preview: ${status}`, "");
  const resources = section("Resources");
  lines.push(resources ? `Resources:\n\n\`\`\`\n${resources}\n\`\`\`` : "Resources: no summary (see the job's log)");
  if (policies) lines.push("", "Policies:", "", "```", policies, "```");
  if (code !== 0 && !blocked) lines.push("", "```", text.trimEnd().split("\n").slice(-20).join("\n"), "```");
  lines.push("");
}
const driftFile = path.join(out, `drift-${stack}.md`);
lines.push(existsSync(driftFile) ? readFileSync(driftFile, "utf8") : "### Drift: no report (the check failed before writing one)");
process.stdout.write(`${lines.join("\n")}\n`);
