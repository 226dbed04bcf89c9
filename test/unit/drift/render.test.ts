import assert from "node:assert/strict";
import type { DriftItem } from "../../../automation/drift/model";
import { buildDriftReport, driftExitCode } from "../../../automation/drift/report";
import { renderDriftJunit, xmlEscape } from "../../../automation/drift/render-junit";
import { cell, markdownMarker, renderDriftMarkdown } from "../../../automation/drift/render-markdown";
import { renderDriftJson, renderDriftText } from "../../../automation/drift/render-text";
import { GREEN_URN, item, WEIGHTS_TYPE, WEIGHTS_URN, WORKLOAD_TYPE } from "./fixtures";

const resources = [
  { urn: WEIGHTS_URN, type: WEIGHTS_TYPE, name: "hello-traffic-weights" },
  { urn: GREEN_URN, type: WORKLOAD_TYPE, name: "hello-green" },
  { urn: "urn:blue", type: WORKLOAD_TYPE, name: "hello-blue" },
];
const items: DriftItem[] = [
  item({ property: "weights.green", state_value: 0, found_value: 40 }),
  item({ class: "ignored", property: "adminState.green", state_value: "ready", found_value: "maint", note: "drill <until> 2099 & beyond" }),
  item({ urn: GREEN_URN, type: WORKLOAD_TYPE, resource: "hello-green", source: "code", class: "pending-change", operation: "replace", property: "version", state_value: "1.1.0", declared_value: "1.2|0\nx" }),
  item({ urn: "urn:blue", type: WORKLOAD_TYPE, resource: "hello-blue", class: "ignored", operation: "update", property: "token", state_value: "[secret]", found_value: "[secret]", note: "rotated by vault" }),
];
const report = (list: DriftItem[]) => buildDriftReport({ stack: "prod", startedAt: Date.parse("2026-06-15T10:00:00Z"), now: Date.parse("2026-06-15T10:00:02Z"), items: list, resources });

describe("drift report and exit codes", () => {
  it("2 for drift only; pending, rollout and ignored changes exit 0; a fix that ran exits 0", () => {
    assert.equal(driftExitCode(items, "drift"), 2);
    assert.equal(driftExitCode(items.slice(1), "clean"), 0);
    assert.equal(driftExitCode([item({ class: "rollout" })], "clean"), 0);
    assert.equal(driftExitCode(items, "reverted"), 0);
    assert.equal(driftExitCode(items, "accepted"), 0);
    assert.equal(driftExitCode(items, "cancelled"), 2);
    assert.equal(report(items).summary.exit_code, 2);
    assert.equal(report(items).summary.status, "drift");
    assert.deepEqual(report([]).summary, { ...report([]).summary, status: "clean", exit_code: 0, resources_checked: 3 });
  });

  it("JSON keeps the snake_case contract and counts per class", () => {
    const json = JSON.parse(renderDriftJson(report(items)));
    assert.deepEqual(json.summary.counts, { drift: 1, "pending-change": 1, rollout: 0, ignored: 2 });
    assert.equal(json.summary.duration_seconds, 2);
    assert.equal(json.items[0].found_value, 40);
  });
});

describe("drift table", () => {
  it("aligns columns and shows the state value and the value found", () => {
    const text = renderDriftText(report(items));
    const lines = text.split("\n");
    assert.match(lines[0]!, /^drift prod: drift in 2\.0 s$/);
    assert.match(lines[1]!, /1 drifted, 1 pending change, 0 rollout changes, 2 ignored \(3 resources checked\)/);
    const header = lines.find((l) => l.includes("CLASS"))!;
    const row = lines.find((l) => l.includes("weights.green"))!;
    assert.equal(row.indexOf("weights.green"), header.indexOf("PROPERTY"));
    assert.match(row, /drift\s+hello-traffic-weights\s+weights\.green\s+0\s+40 \(cloud\)/);
    assert.match(text, /next: switchyard drift --stack prod --fix revert/);
  });

  it("a clean stack says so in one line of counts", () => {
    assert.match(renderDriftText(report([])), /clean[\s\S]*0 drifted, 0 pending changes/);
  });
});

describe("drift Markdown", () => {
  const md = renderDriftMarkdown(report(items));

  it("starts with a marker a workflow can find its own comment by", () => {
    assert.equal(md.split("\n")[0], markdownMarker("prod"));
    assert.match(md, /drift found/);
  });

  it("escapes pipes, newlines and HTML inside table cells", () => {
    assert.equal(cell("a|b\n<c> & `d`"), "a\\|b &lt;c&gt; &amp; 'd'");
    const row = md.split("\n").find((l) => l.includes("hello-green"))!;
    assert.ok(row.includes("1.2\\|0 x"), row);
    assert.equal(row.split(/(?<!\\)\|/).length, 7, "five cells, no broken row");
    assert.ok(md.includes("drill &lt;until&gt; 2099 &amp; beyond"));
  });

  it("groups items by class", () => {
    assert.ok(md.indexOf("#### Drift") < md.indexOf("#### Pending changes"));
    assert.ok(md.indexOf("#### Pending changes") < md.indexOf("#### Ignored"));
    assert.ok(!md.includes("#### Rollout"));
  });
});

describe("drift JUnit XML", () => {
  const xml = renderDriftJunit(report(items));

  it("one case per resource; drifted ones fail, ignored ones are skipped", () => {
    assert.match(xml, /<testsuites name="switchyard drift prod" tests="3" failures="1" errors="0" skipped="1"/);
    assert.match(xml, /<testcase classname="pulumi-nodejs:dynamic\/local:HaproxyWeights" name="hello-traffic-weights" time="0">\n\s+<failure type="drift" message="1 drifted property: weights.green">/);
    assert.match(xml, /name="hello-blue" time="0">\n\s+<skipped message="ignored: token: in state \[secret\], now \[secret\] \(cloud\) \(rotated by vault\)"\/>/);
    assert.match(xml, /name="hello-green" time="0">\n\s+<system-out>pending-change: version \(replaces\)/);
  });

  it("escapes markup and drops characters XML cannot carry", () => {
    assert.equal(xmlEscape(`a<b>&"c"'d'\u0000\u001b[31m`), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;[31m");
    assert.ok(!/<[^/?a-z!]/.test(xml.replace(/&lt;/g, "")), "no raw markup from values");
    const evil = renderDriftJunit(report([item({ resource: 'x"><injected/>', property: "p]]>", found_value: "</failure>" })]));
    assert.ok(!evil.includes("<injected/>"));
    assert.ok(!evil.includes("]]>"));
    assert.equal((evil.match(/<\/failure>/g) ?? []).length, 1);
  });

  it("a clean stack is all passing cases", () => {
    assert.match(renderDriftJunit(report([])), /tests="3" failures="0" errors="0" skipped="0"/);
  });
});
