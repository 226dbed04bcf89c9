/**
 * Runs the test suites, each in its own mocha process: Pulumi's mock monitor is global to a
 * process, so tests with mocks must never share one with tests that drive the real engine.
 * Prints one closing line over all suites: "tests: N passed, N failed, N skipped".
 */
import { spawn } from "node:child_process";
import { globSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");

interface Suite {
  readonly name: string;
  readonly patterns: readonly string[];
}

const SUITES: readonly Suite[] = [
  { name: "unit", patterns: ["test/unit/**/*.test.ts"] },
  { name: "components (Pulumi mocks)", patterns: ["test/components/**/*.test.ts"] },
  { name: "policy", patterns: ["test/policy/*.test.ts"] },
  { name: "engine (real Pulumi CLI)", patterns: ["test/engine/**/*.test.ts", "test/policy/engine/**/*.test.ts"] },
  { name: "end-to-end (local target, real traffic)", patterns: ["test/e2e/**/*.test.ts"] },
];

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
}

function runSuite(suite: Suite, files: string[], grep: string | undefined): Promise<Tally> {
  return new Promise((resolve) => {
    const args = [MOCHA, process.stdout.isTTY ? "--color" : "--no-color", ...(grep ? ["--grep", grep] : []), ...files];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on("exit", (code, signal) => {
      const count = (word: string) => Number(out.match(new RegExp(`^\\s*(\\d+) ${word}`, "m"))?.[1] ?? 0);
      resolve({ passed: count("passing"), failed: count("failing"), skipped: count("pending"), exitCode: code ?? (signal ? 1 : 0) });
    });
  });
}

async function main() {
  const only = process.env.SWITCHYARD_TEST_SUITES?.split(",").map((s) => s.trim());
  const grep = process.env.SWITCHYARD_TEST_GREP;
  const total: Tally = { passed: 0, failed: 0, skipped: 0, exitCode: 0 };
  for (const suite of SUITES) {
    if (only && !only.some((name) => suite.name.startsWith(name))) continue;
    const files = suite.patterns.flatMap((pattern) => globSync(pattern, { cwd: ROOT })).sort();
    if (files.length === 0) continue;
    process.stdout.write(`\n=== ${suite.name}: ${files.length} file(s)\n`);
    const tally = await runSuite(suite, files, grep);
    total.passed += tally.passed;
    total.failed += tally.failed;
    total.skipped += tally.skipped;
    if (tally.exitCode !== 0) total.exitCode = tally.exitCode;
  }
  process.stdout.write(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exitCode = total.failed > 0 || total.exitCode !== 0 ? 1 : 0;
}

void main();
