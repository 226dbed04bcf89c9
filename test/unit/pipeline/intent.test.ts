import { strict as assert } from "node:assert";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promotedIntent, readIntent, writeIntent } from "../../../automation/pipeline/intent";

const FILE = `# dev: the first stage
config:
  switchyard:target: local
  switchyard:slots:
    blue:
      version: "1.0.0"
      failureRate: 0
    green:
      version: "1.0.0"
  # people write this
  switchyard:active: blue
encryptionsalt: v1:abc
`;

describe("pipeline promotion: the stage's intent in its stack file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-intent-"));
    mkdirSync(path.join(dir, "stacks"));
    writeFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the idle slot gets the version and becomes active; comments and other keys stay", () => {
    const current = readIntent(dir, "dev");
    assert.deepEqual(current, { active: "blue", versions: { blue: "1.0.0", green: "1.0.0" } });
    const { intent, slot } = promotedIntent(current, "1.10");
    assert.equal(slot, "green");
    writeIntent(dir, "dev", intent);
    const text = readFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), "utf8");
    assert.deepEqual(readIntent(dir, "dev"), { active: "green", versions: { blue: "1.0.0", green: "1.10" } }, "1.10 stays a string");
    assert.match(text, /# dev: the first stage/);
    assert.match(text, /# people write this/);
    assert.match(text, /failureRate: 0/);
    assert.match(text, /encryptionsalt: v1:abc/);
  });

  it("a stage that already serves the version is not promoted", () => {
    assert.deepEqual(promotedIntent({ active: "blue", versions: { blue: "2.0.0", green: "1.0.0" } }, "2.0.0"), { intent: { active: "blue", versions: { blue: "2.0.0", green: "1.0.0" } } });
  });

  it("a stack file without switchyard:active is refused naming the key", () => {
    writeFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), "config:\n  switchyard:target: local\n");
    assert.throws(() => readIntent(dir, "dev"), /switchyard:active: a pipeline stage's stack must name its serving slot/);
  });
});
