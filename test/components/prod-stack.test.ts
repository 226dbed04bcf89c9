/**
 * The example production stack (stacks/Pulumi.prod.yaml) under Pulumi mocks: the program builds
 * it, and the policy pack with the stack's own config (stacks/Pulumi.prod.policy.json) finds no
 * mandatory violation, so `npm run pulumi -- preview --stack prod --policy-pack policy` and
 * `npm run deploy -- --stack prod` are not blocked by the rules the file itself turns on.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { switchyardProgram } from "../../stacks/program";
import { remediate, stackWith, validate, validateStack, type TestResource } from "../policy/harness";
import { promiseOf, recorded, settle, useMocks } from "./mocks";

const STACKS = path.resolve(__dirname, "..", "..", "stacks");
const stackConfig = (parseYaml(readFileSync(path.join(STACKS, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const packConfig = JSON.parse(readFileSync(path.join(STACKS, "Pulumi.prod.policy.json"), "utf8")) as Record<string, { enforcementLevel?: string } & Record<string, unknown>>;

const levelOf = (rule: { name: string; enforcementLevel?: string }) => packConfig[rule.name]?.enforcementLevel ?? rule.enforcementLevel;
const ruleConfig = (name: string) => {
  const { enforcementLevel: _level, ...rest } = packConfig[name] ?? {};
  return rest;
};

/** The recorded resources as the analyzer sees them, each with its explicit provider's inputs, after the root stack with its outputs. */
function asPolicyResources(outputs: Record<string, unknown>): TestResource[] {
  const providers = new Map(recorded.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.name, r.inputs as Record<string, unknown>]));
  // A provider reference is "<urn>::<id>"; the urn ends with "::<name>".
  const providerOf = (ref: string | undefined) => (ref ? providers.get(ref.split("::").at(-2) ?? "") : undefined);
  return [stackWith(outputs), ...recorded.map((r) => ({ type: r.type, name: r.name, props: JSON.parse(JSON.stringify(r.inputs)), provider: providerOf(r.provider) }))];
}

describe("stacks/Pulumi.prod.yaml", () => {
  let saved: Record<string, string>;
  let resources: TestResource[];

  before(async () => {
    await useMocks({ stack: "prod" });
    saved = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(stackConfig).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])));
    // The stack outputs as the engine hands them to stack rules: every Output resolved.
    const outputs = await promiseOf(pulumi.output(await switchyardProgram()));
    await settle();
    resources = asPolicyResources(outputs as Record<string, unknown>);
  });
  after(async () => {
    pulumi.runtime.setAllConfig(saved);
    await useMocks();
  });

  it("is a production stack on AWS with a cautious canary: first step <= 10%, bake >= 60 s, analysis metrics", () => {
    const plan = resources[0]!.props.rolloutPlan as { environment: string; strategy: string; steps: number[]; bakeSeconds: number; analysis: { metrics: string[] } };
    assert.equal(stackConfig["switchyard:target"], "aws");
    assert.equal(plan.environment, "production");
    assert.equal(plan.strategy, "canary");
    assert.ok(plan.steps[0]! <= 10, `first step ${plan.steps[0]}%`);
    assert.ok(plan.bakeSeconds >= 60, `bake ${plan.bakeSeconds}s`);
    assert.ok(plan.analysis.metrics.length >= 1);
    assert.ok(resources.some((r) => r.type === "aws:lb/listener:Listener"), "builds the ALB listener");
  });

  it("its policy config makes every rollout, DR and security rule mandatory (required tags: remediate, with the values)", () => {
    for (const name of Object.keys(packConfig)) assert.ok(policies.some((p) => p.name === name), `${name} is a rule of the pack`);
    for (const rule of policies.filter((p) => /^(rollout|dr|security)-/.test(p.name) && p.name !== "security-required-tags")) {
      assert.equal(packConfig[rule.name]?.enforcementLevel, "mandatory", rule.name);
    }
    assert.equal(packConfig["security-required-tags"]?.enforcementLevel, "remediate");
  });

  it("passes every mandatory rule of the pack with its own config", async () => {
    const violations: string[] = [];
    for (const rule of policies.filter((p) => levelOf(p) === "mandatory")) {
      const config = ruleConfig(rule.name);
      if ("validateStack" in rule) {
        for (const m of await validateStack(rule as StackValidationPolicy, resources, config)) violations.push(`${rule.name}: ${m.message}`);
      } else {
        for (const r of resources) for (const m of await validate(rule as ResourceValidationPolicy, r, config)) violations.push(`${rule.name} (${r.name}): ${m}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("gets every missing required tag added by the remediation", async () => {
    const rule = policies.find((p) => p.name === "security-required-tags") as ResourceValidationPolicy;
    const config = ruleConfig(rule.name);
    for (const r of resources) {
      if ((await validate(rule, r, config)).length === 0) continue;
      const fixed = await remediate(rule, r, config);
      assert.ok(fixed, `${r.type} ${r.name} is remediable`);
      assert.equal((await validate(rule, { ...r, props: fixed }, config)).length, 0, `${r.name} carries the tags after remediation`);
    }
  });
});
