import assert from "node:assert/strict";
import { parseDriftConfig } from "../../../automation/drift/config";
import { driftSchema } from "../../../model/config/drift";
import { ConfigError } from "../../../model/errors";

describe("switchyard:drift schema", () => {
  it("accepts rules by URN or type, with or without expiry; absent means no rules and the endpoint asked", () => {
    const config = parseDriftConfig({ ignore: [{ type: "t", path: "weights", reason: "why" }, { urn: "urn:*", path: "*", reason: "r", expires: "2026-12-31" }] }, "f");
    assert.equal(config.ignore.length, 2);
    assert.deepEqual(parseDriftConfig(undefined, "f"), { ignore: [], checkEndpoint: true });
  });

  it("checkEndpoint: false turns the endpoint question off; anything but a boolean is refused", () => {
    assert.equal(parseDriftConfig({ checkEndpoint: false }, "f").checkEndpoint, false);
    assert.throws(() => parseDriftConfig({ checkEndpoint: "no" }, "stacks/Pulumi.prod.yaml"), /switchyard:drift\.checkEndpoint: .*\n\s*fix: true \(ask the endpoint\)/);
  });

  const bad: [string, unknown, RegExp][] = [
    ["a rule without urn or type", { ignore: [{ path: "x", reason: "r" }] }, /switchyard:drift\.ignore\.0: needs a urn or a type/],
    ["a rule without a reason", { ignore: [{ type: "t", path: "x", reason: " " }] }, /switchyard:drift\.ignore\.0\.reason: must say why/],
    ["a date in another format", { ignore: [{ type: "t", path: "x", reason: "r", expires: "31/12/2026" }] }, /expires: must be a date written YYYY-MM-DD/],
    ["a date that does not exist", { ignore: [{ type: "t", path: "x", reason: "r", expires: "2026-02-30" }] }, /expires: must be a real calendar date/],
    ["an unknown key", { ignore: [{ type: "t", path: "x", reason: "r", until: "2026-01-01" }] }, /unknown keys until/],
    ["a rule without a path", { ignore: [{ type: "t", reason: "r" }] }, /ignore\.0\.path/],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects ${name}, naming the key and the fix`, () => {
      assert.throws(() => parseDriftConfig(value, "stacks/Pulumi.prod.yaml"), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        assert.match(error.message, /fix: /);
        assert.match(error.message, /^stacks\/Pulumi\.prod\.yaml: /);
        return true;
      });
    });
  }

  it("is a zod schema the stack schema can embed", () => {
    assert.equal(driftSchema.safeParse({ ignore: [] }).success, true);
  });
});
