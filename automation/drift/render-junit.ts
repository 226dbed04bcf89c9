/**
 * JUnit XML, so that CI systems list each checked resource as a test case and each drifted one
 * as a failure. Ignored drift is a skipped case; pending and rollout changes pass, with their
 * account in system-out.
 */
import { itemWords } from "./format";
import type { DriftItem, DriftReport } from "./model";

/** Escapes text for XML attributes and content, and drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const describe = (item: DriftItem) => {
  const w = itemWords(item);
  return `${w.class}: ${w.property}${w.state || w.now ? `: in state ${w.state}, now ${w.now}` : ""}${w.note ? ` (${w.note})` : ""}`;
};

function testCase(type: string, name: string, items: readonly DriftItem[]): string {
  const head = `    <testcase classname="${xmlEscape(type)}" name="${xmlEscape(name)}" time="0"`;
  const drift = items.filter((i) => i.class === "drift");
  const ignored = items.filter((i) => i.class === "ignored");
  const other = items.filter((i) => i.class !== "drift" && i.class !== "ignored");
  const body: string[] = [];
  if (drift.length) {
    const message = `${drift.length} drifted ${drift.length === 1 ? "property" : "properties"}: ${drift.map((i) => i.property ?? "(resource deleted)").join(", ")}`;
    body.push(`      <failure type="drift" message="${xmlEscape(message)}">${xmlEscape(drift.map(describe).join("\n"))}</failure>`);
  } else if (ignored.length) {
    body.push(`      <skipped message="${xmlEscape(ignored.map(describe).join("; "))}"/>`);
  }
  if (other.length) body.push(`      <system-out>${xmlEscape(other.map(describe).join("\n"))}</system-out>`);
  return body.length ? `${head}>\n${body.join("\n")}\n    </testcase>` : `${head}/>`;
}

export function renderDriftJunit(report: DriftReport): string {
  const byUrn = new Map<string, DriftItem[]>();
  for (const item of report.items) byUrn.set(item.urn, [...(byUrn.get(item.urn) ?? []), item]);
  // Resources only the code side knows (to be created) are cases too.
  const resources = [...report.resources];
  for (const item of report.items) if (!resources.some((r) => r.urn === item.urn)) resources.push({ urn: item.urn, type: item.type, name: item.resource });
  const seen = new Set<string>();
  const cases = resources.filter((r) => !seen.has(r.urn) && seen.add(r.urn)).map((r) => testCase(r.type, r.name, byUrn.get(r.urn) ?? []));
  const failures = resources.filter((r) => (byUrn.get(r.urn) ?? []).some((i) => i.class === "drift")).length;
  const skipped = resources.filter((r) => {
    const items = byUrn.get(r.urn) ?? [];
    return !items.some((i) => i.class === "drift") && items.some((i) => i.class === "ignored");
  }).length;
  const s = report.summary;
  const suite = `switchyard drift ${s.stack}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${s.duration_seconds}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${s.duration_seconds}" timestamp="${xmlEscape(s.started_at)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
