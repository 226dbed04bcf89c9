/**
 * Runs the test suites, each in its own mocha process: Pulumi's mock monitor is global to a
 * process, so tests with mocks must never share one with tests that drive the real engine.
 * The engine suite's files run two at a time, each in its own process, taken from one queue
 * (largest first) so that neither worker idles while the other has a long file: its tests mostly
 * wait on engine and service processes, and each has its own backend, ports and run dir. The
 * end-to-end suite runs alone, since it measures failed requests under load. Prints one closing line over all
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
  /** Files of this suite run this many at a time, a process each (SWITCHYARD_TEST_JOBS caps it). */
  readonly workers?: number;
}

const SUITES: readonly Suite[] = [
  { name: "unit", patterns: ["test/unit/**/*.test.ts"] },
  { name: "components (Pulumi mocks)", patterns: ["test/components/**/*.test.ts"] },
  { name: "policy", patterns: ["test/policy/*.test.ts"] },
  { name: "engine (real Pulumi CLI)", patterns: ["test/engine/**/*.test.ts", "test/policy/engine/**/*.test.ts"], workers: 2 },
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

/** Runs `files` through `workers` queues, largest first: file size stands in for run time. */
export async function runQueued<T>(files: readonly string[], workers: number, weight: (file: string) => number, run: (file: string) => Promise<T>): Promise<T[]> {
  const queue = [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  const results: T[] = [];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) results.push(await run(file));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, files.length)) }, worker));
  return results;
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
    const workers = Math.min(suite.workers ?? 1, jobs);
    const started = Date.now();
    process.stdout.write(`\n=== ${suite.name}: ${files.length} file(s)${workers > 1 ? `, ${workers} at a time` : ""}\n`);
    const tallies =
      workers > 1
        ? await runQueued(files, workers, (file) => statSync(path.join(ROOT, file)).size, (file) => runMocha(file, [file], grep, false))
        : [await runMocha(suite.name, files, grep, true)];
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
