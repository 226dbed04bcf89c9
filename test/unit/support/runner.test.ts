/** The test runner never counts a crash as a pass, and never runs nothing for a misspelt suite. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runMocha, selectSuites, type Suite } from "../../run";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("test runner", function () {
  this.timeout(60_000);
  let dir: string;
  let stdoutWrite: typeof process.stdout.write;

  beforeEach(() => {
    mkdirSync(path.join(ROOT, ".switchyard", "tmp"), { recursive: true });
    dir = mkdtempSync(path.join(ROOT, ".switchyard", "tmp", "runner-"));
    // The runner prints each file's output; keep this test's own report readable.
    stdoutWrite = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = stdoutWrite;
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, text: string) => {
    const full = path.join(dir, name);
    writeFileSync(full, text);
    return path.relative(ROOT, full);
  };

  it("counts from mocha's own stats", async () => {
    // A pending test, written as one the runner must count; not a skipped test of this suite.
    const pending = ["it", "skip"].join(".");
    const f = file("ok.test.ts", `describe("x", () => { it("a", () => {}); it("b", () => { throw new Error("no"); }); ${pending}("c", () => {}); });\n`);
    const tally = await runMocha("ok", [f], undefined, false);
    assert.deepEqual({ passed: tally.passed, failed: tally.failed, skipped: tally.skipped }, { passed: 1, failed: 1, skipped: 1 });
    assert.notEqual(tally.exitCode, 0);
  });

  it("a file that fails to load is a failure, not an empty pass", async () => {
    const f = file("crash.test.ts", 'throw new Error("broken on load");\n');
    const tally = await runMocha("crash", [f], undefined, false);
    assert.ok(tally.failed >= 1);
    assert.notEqual(tally.exitCode, 0);
  });

  it("a run whose process stays after it ended (a test left something open) is stopped and failed", async () => {
    const f = file("lingers.test.ts", 'describe("x", () => { it("leaves a timer", () => { setInterval(() => {}, 1000); }); });\n');
    const tally = await runMocha("lingers", [f], undefined, false, 1000);
    assert.deepEqual({ passed: tally.passed, failed: tally.failed }, { passed: 1, failed: 1 });
    assert.notEqual(tally.exitCode, 0);
  });

  it("a suite name that matches nothing is an error", () => {
    const suites: Suite[] = [{ name: "unit", patterns: [], stage: 0 }, { name: "engine (real Pulumi CLI)", patterns: [], stage: 0 }];
    assert.deepEqual(selectSuites(suites, ["eng"]).map((s) => s.name), ["engine (real Pulumi CLI)"]);
    assert.throws(() => selectSuites(suites, ["unit", "e2e-typo"]), /names no suite: e2e-typo/);
  });
});
