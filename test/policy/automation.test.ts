import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { baselineFromDeployment } from "../../automation/policy/baseline";
import { readPackConfig, withBaseline, writePackConfig } from "../../automation/policy/config";
import { PolicyConfigError } from "../../automation/policy/errors";
import { changedKeys, parseMessage, parsePolicyEvents, resourceOf } from "../../automation/policy/events";
import { renderPolicyMarkdown, renderPolicyText } from "../../automation/policy/render";
import type { PolicyReport } from "../../automation/policy/run";

const URN = "urn:pulumi:prod::switchyard::switchyard:traffic:HaproxyTrafficSplit$pulumi-nodejs:dynamic/local:HaproxyWeights::hello-traffic-weights";
const event = (policyEvent: object) => ({ sequence: 1, timestamp: 1, policyEvent }) as unknown as EngineEvent;

describe("policy events parser", () => {
  it("reads type and name from a nested URN", () =>
    assert.deepEqual(resourceOf(URN), { urn: URN, type: "pulumi-nodejs:dynamic/local:HaproxyWeights", name: "hello-traffic-weights" }));

  it("splits requirement, why and fix", () =>
    assert.deepEqual(parseMessage("traffic-weights-valid", "Traffic weights must be valid.\nweights add up to 110\nfix: make them add up to 100\n"), {
      summary: "Traffic weights must be valid.",
      why: "weights add up to 110",
      fix: "make them add up to 100",
    }));

  it("falls back to the rule's advice when a message has no fix (engine's own diagnostics)", () => {
    const parsed = parseMessage("rollout-bake-time", "can't run policy 'rollout-bake-time' during preview: unknown value");
    assert.equal(parsed.why, "can't run policy 'rollout-bake-time' during preview: unknown value");
    assert.match(parsed.fix, /bakeSeconds/);
  });

  it("lists mandatory findings first", () => {
    const { findings } = parsePolicyEvents([
      event({ message: "Tags.\ntags owner missing\nfix: add tags", policyName: "security-required-tags", enforcementLevel: "advisory", resourceUrn: URN }),
      event({ message: "Weights.\nbad\nfix: good", policyName: "traffic-weights-valid", enforcementLevel: "mandatory", severity: "high", resourceUrn: URN }),
    ]);
    assert.deepEqual(findings.map((f) => [f.rule, f.level]), [["traffic-weights-valid", "mandatory"], ["security-required-tags", "advisory"]]);
    assert.equal(findings[0]!.severity, "high");
  });

  it("keeps only the names of remediated inputs, never their values", () => {
    const remediation = { policyRemediationEvent: { resourceUrn: URN, policyName: "security-required-tags", before: { password: "s3cret", tags: { owner: "a" } }, after: { password: "s3cret", tags: { owner: "a", environment: "hush-value" } } } };
    const { remediations } = parsePolicyEvents([remediation as unknown as EngineEvent]);
    assert.deepEqual(remediations[0]!.changed, ["tags.environment"]);
    assert.doesNotMatch(JSON.stringify(remediations), /s3cret|hush-value/);
  });

  it("compares inputs one level deep and skips engine-internal keys", () =>
    assert.deepEqual(changedKeys({ __provider: "a", acl: "x", tags: {} }, { __provider: "b", acl: "y", tags: { owner: "o" } }), ["acl", "tags.owner"]));
});

describe("policy baseline from state", () => {
  it("keeps weights and hashes of replacement inputs of traffic resources only", () => {
    const baseline = baselineFromDeployment({
      deployment: {
        resources: [
          { urn: "urn:w", type: "pulumi-nodejs:dynamic/local:HaproxyWeights", inputs: { socketPath: "/run/a.sock", backend: "hello", weights: { blue: 100, green: 0 } } },
          { urn: "urn:b", type: "aws:s3/bucket:Bucket", inputs: { bucket: "b" } },
        ],
      },
    });
    assert.deepEqual(Object.keys(baseline), ["urn:w"]);
    assert.equal(baseline["urn:w"]!.weights, "[[100,0]]");
    assert.match(baseline["urn:w"]!.replaceKeys.socketPath!, /^[0-9a-f]{64}$/);
    assert.doesNotMatch(JSON.stringify(baseline), /a\.sock/);
  });
  it("is empty for a new stack", () => assert.deepEqual(baselineFromDeployment({ deployment: {} }), {}));
});

describe("policy pack config", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-policy-test-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads nothing when there is no file", () => assert.deepEqual(readPackConfig(path.join(dir, "none.json")), {}));
  it("rejects a file that is not an object", () => {
    const file = path.join(dir, "c.json");
    writeFileSync(file, "[1]");
    assert.throws(() => readPackConfig(file), PolicyConfigError);
    writeFileSync(file, "{");
    assert.throws(() => readPackConfig(file), /not valid JSON/);
  });
  it("joins the baseline to bare levels and objects alike", () => {
    const merged = withBaseline({ "rollout-freeze-window": "advisory", "traffic-no-weight-change-on-replace": { exclude: ["x"] } }, { u: { weights: "[]", replaceKeys: {} } });
    assert.deepEqual(merged["rollout-freeze-window"], { enforcementLevel: "advisory", baseline: { u: { weights: "[]", replaceKeys: {} } } });
    assert.deepEqual((merged["traffic-no-weight-change-on-replace"] as { exclude: string[] }).exclude, ["x"]);
  });
  it("writes a private temporary file and removes it", () => {
    const written = writePackConfig({ a: 1 });
    assert.deepEqual(JSON.parse(readFileSync(written.file, "utf8")), { a: 1 });
    written.dispose();
    assert.equal(existsSync(written.file), false);
  });
});

describe("policy report renderers", () => {
  const report: PolicyReport = {
    stack: "prod",
    operation: "preview",
    blocked: true,
    findings: [{ rule: "traffic-weights-valid", level: "mandatory", severity: "high", requirement: "Weights.", why: "sum | 110", fix: "make it 100", resource: resourceOf(URN) }],
    remediations: [{ rule: "security-required-tags", resource: resourceOf(URN), changed: ["tags.owner"] }],
  };
  it("lists rule, resource, why and fix in text", () =>
    assert.equal(
      renderPolicyText(report),
      [
        "policy preview prod: BLOCKED — 1 mandatory, 0 advisory, 1 remediated",
        "  ✗ [mandatory, high] traffic-weights-valid — hello-traffic-weights (pulumi-nodejs:dynamic/local:HaproxyWeights)",
        "      why: sum | 110",
        "      fix: make it 100",
        "  ↻ [remediated] security-required-tags — hello-traffic-weights (pulumi-nodejs:dynamic/local:HaproxyWeights): tags.owner would be set by the pack",
      ].join("\n"),
    ));
  it("escapes table cells in Markdown", () => assert.match(renderPolicyMarkdown(report), /sum \\\| 110/));
});
