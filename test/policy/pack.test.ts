import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { policies } from "../../policy/policies";

describe("policy pack", () => {
  it("has nineteen rules with unique names", () => {
    assert.equal(policies.length, 19);
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
  });
  it("gives every rule a level, a severity, advice and a config schema with exclude", () => {
    for (const p of policies) {
      assert.ok(p.enforcementLevel && p.severity && p.remediationSteps, p.name);
      assert.ok(p.configSchema?.properties.exclude, p.name);
      assert.ok(!("enforcementLevel" in p.configSchema!.properties), `${p.name}: the engine rejects enforcementLevel in a schema`);
    }
  });
  it("pins the same @pulumi/pulumi as the project", () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(__dirname, "..", "..", file), "utf8"));
    assert.equal(read("policy/package.json").dependencies["@pulumi/pulumi"], read("package.json").dependencies["@pulumi/pulumi"]);
  });
});
