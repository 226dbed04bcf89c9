/**
 * Runs the test suites, each in its own mocha process: Pulumi's mock monitor is global to a
 * process, so tests with mocks must never share one with tests that drive the real engine.
 * The engine suite is split into shards that run side by side: its tests mostly wait on engine
 * and service processes, and each has its own backend, ports and run dir. The end-to-end suite
 * runs alone, since it measures failed requests under load. Prints one closing line over all
 * suites: "tests: N passed, N failed, N skipped".
 */
import { spawn } from "node:child_process";
import { globSync, statSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");

interface Suite {
  readonly name: string;
  readonly patterns: readonly string[];
  /** Mocha processes this suite's files are spread over (SWITCHYARD_TEST_JOBS caps it). */
  readonly shards?: number;
}

const SUITES: readonly Suite[] = [
  { name: "unit", patterns: ["test/unit/**/*.test.ts"] },
  { name: "components (Pulumi mocks)", patterns: ["test/components/**/*.test.ts"] },
  { name: "policy", patterns: ["test/policy/*.test.ts"] },
  { name: "engine (real Pulumi CLI)", patterns: ["test/engine/**/*.test.ts", "test/policy/engine/**/*.test.ts"], shards: 2 },
  { name: "end-to-end (local target, real traffic)", patterns: ["test/e2e/**/*.test.ts"] },
];

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
}

/** Runs one mocha process; its output is streamed when it runs alone, else printed whole when it ends. */
function runMocha(label: string, files: readonly string[], grep: string | undefined, stream: boolean): Promise<Tally> {
  return new Promise((resolve) => {
    const args = [MOCHA, process.stdout.isTTY ? "--color" : "--no-color", ...(grep ? ["--grep", grep] : []), ...files];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (stream) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: string) => {
      err += chunk;
      if (stream) process.stderr.write(chunk);
    });
    child.on("exit", (code, signal) => {
      if (!stream) {
        process.stdout.write(`\n--- ${label}\n${out}`);
        process.stderr.write(err);
      }
      const count = (word: string) => Number(out.match(new RegExp(`^\\s*(\\d+) ${word}`, "m"))?.[1] ?? 0);
      resolve({ passed: count("passing"), failed: count("failing"), skipped: count("pending"), exitCode: code ?? (signal ? 1 : 0) });
    });
  });
}

/** Deals files to shards, largest first onto the lightest shard: file size stands in for run time. */
export function shard(files: readonly string[], count: number, weight: (file: string) => number): string[][] {
  const shards = Array.from({ length: Math.max(1, Math.min(count, files.length)) }, () => ({ files: [] as string[], load: 0 }));
  for (const file of [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const lightest = shards.reduce((min, s) => (s.load < min.load ? s : min));
    lightest.files.push(file);
    lightest.load += weight(file);
  }
  return shards.map((s) => s.files.sort());
}

async function main() {
  const only = process.env.SWITCHYARD_TEST_SUITES?.split(",").map((s) => s.trim());
  const grep = process.env.SWITCHYARD_TEST_GREP;
  const jobs = Math.max(1, Number(process.env.SWITCHYARD_TEST_JOBS ?? 2) || 1);
  const total: Tally = { passed: 0, failed: 0, skipped: 0, exitCode: 0 };
  for (const suite of SUITES) {
    if (only && !only.some((name) => suite.name.startsWith(name))) continue;
    const files = suite.patterns.flatMap((pattern) => globSync(pattern, { cwd: ROOT })).sort();
    if (files.length === 0) continue;
    const shards = shard(files, Math.min(suite.shards ?? 1, jobs), (file) => statSync(path.join(ROOT, file)).size);
    const started = Date.now();
    process.stdout.write(`\n=== ${suite.name}: ${files.length} file(s)${shards.length > 1 ? ` in ${shards.length} shards side by side` : ""}\n`);
    const tallies = await Promise.all(shards.map((part, i) => runMocha(`${suite.name}, shard ${i + 1}/${shards.length}`, part, grep, shards.length === 1)));
    for (const tally of tallies) {
      total.passed += tally.passed;
      total.failed += tally.failed;
      total.skipped += tally.skipped;
      if (tally.exitCode !== 0) total.exitCode = tally.exitCode;
    }
    process.stdout.write(`=== ${suite.name}: ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  process.stdout.write(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exitCode = total.failed > 0 || total.exitCode !== 0 ? 1 : 0;
}

if (require.main === module) void main();
