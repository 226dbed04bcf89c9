/**
 * Runs the test suites, each in its own mocha process: Pulumi's mock monitor is global to a
 * process, so tests with mocks must never share one with tests that drive the real engine.
 * The engine suite's files run two at a time, each in its own process, taken from one queue
 * (largest first) so that neither worker idles while the other has a long file: its tests mostly
 * wait on engine and service processes, and each has its own backend, ports and run dir.
 * Suites run in stages: in the first, unit, components and policy (one after another, mostly CPU
 * for seconds) run beside the engine suite; the end-to-end suite runs in a stage of its own, two
 * files at a time (each has its own addresses, ports and stacks; the load generators are light
 * beside the engine), after everything else. Prints one closing line over all suites:
 * "tests: N passed, N failed, N skipped".
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");

export interface Suite {
  readonly name: string;
  readonly patterns: readonly string[];
  /** Files of this suite run this many at a time, a process each (SWITCHYARD_TEST_JOBS caps it). */
  readonly workers?: number;
  /**
   * Suites of one stage run at the same time: those without `workers` one after another in one
   * lane, each with `workers` in a lane of its own. Stages run in order.
   */
  readonly stage: number;
  /** A build the suite needs, started when the run starts (beside the first stage) and awaited before the suite. */
  readonly needs?: keyof typeof PREREQUISITES;
}

/**
 * Builds that only one suite needs and that take long on a fresh machine: started in the
 * background at the start of the run (set-up ran with --kubernetes=later), so the other suites
 * run meanwhile. A second run finds them in place in well under a second.
 */
const PREREQUISITES = {
  "kubernetes-tools": { label: "Kubernetes tools (bootstrap/ensure-kubernetes.mjs)", script: path.join(ROOT, "bootstrap", "ensure-kubernetes.mjs") },
} as const;

interface BuildResult {
  readonly ok: boolean;
  readonly output: string;
  readonly seconds: number;
}

function startBuild(script: string): Promise<BuildResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ ok: false, output: `${output}${error.message}\n`, seconds: (Date.now() - started) / 1000 }));
    child.on("close", (code) => resolve({ ok: code === 0, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const SUITES: readonly Suite[] = [
  { name: "unit", patterns: ["test/unit/**/*.test.ts"], stage: 0 },
  { name: "components (Pulumi mocks)", patterns: ["test/components/**/*.test.ts"], stage: 0 },
  { name: "policy", patterns: ["test/policy/*.test.ts"], stage: 0 },
  { name: "engine (real Pulumi CLI)", patterns: ["test/engine/**/*.test.ts", "test/policy/engine/**/*.test.ts"], workers: 2, stage: 0 },
  { name: "end-to-end (local target, real traffic)", patterns: ["test/e2e/**/*.test.ts"], workers: 2, stage: 1 },
  { name: "browser (headless Chromium)", patterns: ["test/browser/**/*.test.ts"], stage: 0 },
  { name: "kubernetes (real API server, simulated nodes)", patterns: ["test/kubernetes/**/*.test.ts"], stage: 1, needs: "kubernetes-tools" },
];

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
}

const REPORTER = path.join(ROOT, "test", "support", "counting-reporter.js");
/** How long a mocha process may stay after its run ended (its after hooks have run by then). */
const LINGER_MS = 60_000;

/** SIGKILL to a process and all its descendants, children first found through pgrep. */
function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  for (const child of children) killTree(child);
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * Runs one mocha process; its output is streamed when it runs alone, else printed whole when it
 * ends. The counts are mocha's own (counting-reporter.js); a process that ends without them (it
 * crashed while loading) or that fails with none counted is one failure, never a pass.
 */
export function runMocha(label: string, files: readonly string[], grep: string | undefined, stream: boolean, lingerMs = LINGER_MS): Promise<Tally> {
  return new Promise((resolve) => {
    const statsDir = mkdtempSync(path.join(tmpdir(), "sy-stats-"));
    const statsFile = path.join(statsDir, "stats.json");
    const args = [MOCHA, "--reporter", REPORTER, process.stdout.isTTY ? "--color" : "--no-color", ...(grep ? ["--grep", grep] : []), ...files];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, SWITCHYARD_TEST_STATS: statsFile }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (stream) process.stdout.write(chunk);
      else out += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      if (stream) process.stderr.write(chunk);
      else err += chunk;
    });
    // A run that ended but whose process stays (a test left a timer, a child or a socket open)
    // would hang CI until its time limit: stopped a while after its counts appear, and failed.
    let lingered = false;
    const lingerWatch = setInterval(() => {
      if (!existsSync(statsFile)) return;
      clearInterval(lingerWatch);
      lingerTimer = setTimeout(() => {
        lingered = true;
        // mocha's bin starts the run in a child of its own: stop the whole tree.
        if (child.pid !== undefined) killTree(child.pid);
      }, lingerMs);
    }, 1000);
    let lingerTimer: NodeJS.Timeout | undefined;
    // `close`, not `exit`: only then has all of the child's output arrived.
    child.on("close", (code, signal) => {
      clearInterval(lingerWatch);
      clearTimeout(lingerTimer);
      if (!stream) {
        process.stdout.write(`\n--- ${label}\n${out}`);
        process.stderr.write(err);
      }
      const exitCode = code ?? (signal ? 1 : 0);
      let stats: { passes: number; failures: number; pending: number } | undefined;
      try {
        stats = JSON.parse(readFileSync(statsFile, "utf8"));
      } catch {
        stats = undefined;
      }
      rmSync(statsDir, { recursive: true, force: true });
      if (lingered) {
        process.stdout.write(`!!! ${label}: mocha's run ended but its process was still there ${lingerMs / 1000} s later (a test left a timer, a child process or a socket open); stopped it\n`);
        resolve({ passed: stats?.passes ?? 0, failed: (stats?.failures ?? 0) + 1, skipped: stats?.pending ?? 0, exitCode: 1 });
        return;
      }
      if (!stats || (exitCode !== 0 && stats.failures === 0)) {
        process.stdout.write(`!!! ${label}: mocha ended (${signal ?? `exit ${exitCode}`}) ${stats ? "with an error outside any test" : "before it counted any test (did a file fail to load?)"}\n`);
        resolve({ passed: stats?.passes ?? 0, failed: (stats?.failures ?? 0) + 1, skipped: stats?.pending ?? 0, exitCode: exitCode || 1 });
        return;
      }
      resolve({ passed: stats.passes, failed: stats.failures, skipped: stats.pending, exitCode });
    });
  });
}

/** The suites SWITCHYARD_TEST_SUITES names; a name that matches no suite is an error, not an empty run. */
export function selectSuites(suites: readonly Suite[], only: readonly string[] | undefined): Suite[] {
  if (!only) return [...suites];
  const unknown = only.filter((name) => !suites.some((suite) => suite.name.startsWith(name)));
  if (unknown.length) throw new Error(`SWITCHYARD_TEST_SUITES names no suite: ${unknown.join(", ")} (suites: ${suites.map((s) => s.name.split(" ")[0]).join(", ")})`);
  return suites.filter((suite) => only.some((name) => suite.name.startsWith(name)));
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
  const only = process.env.SWITCHYARD_TEST_SUITES?.split(",").map((s) => s.trim()).filter(Boolean);
  const grep = process.env.SWITCHYARD_TEST_GREP;
  const jobs = Math.max(1, Number(process.env.SWITCHYARD_TEST_JOBS ?? 2) || 1);
  const total: Tally = { passed: 0, failed: 0, skipped: 0, exitCode: 0 };
  let suites: Suite[];
  try {
    suites = selectSuites(SUITES, only);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const builds = new Map<string, Promise<BuildResult>>();
  for (const need of new Set(suites.flatMap((suite) => (suite.needs ? [suite.needs] : [])))) builds.set(need, startBuild(PREREQUISITES[need].script));
  const runSuite = async (suite: Suite, alone: boolean): Promise<void> => {
    const files = suite.patterns.flatMap((pattern) => globSync(pattern, { cwd: ROOT })).sort();
    if (files.length === 0) return;
    if (suite.needs) {
      const build = await builds.get(suite.needs)!;
      process.stdout.write(`\n=== ${PREREQUISITES[suite.needs].label}: ${build.ok ? "in place" : "FAILED"} (found or built in ${build.seconds} s, beside the suites before it)\n${build.output}`);
      if (!build.ok) {
        // The suite cannot run: one failure, never a silent skip.
        total.failed += 1;
        total.exitCode = 1;
        return;
      }
    }
    const workers = Math.min(suite.workers ?? 1, jobs);
    const started = Date.now();
    process.stdout.write(`\n=== ${suite.name}: ${files.length} file(s)${workers > 1 ? `, ${workers} at a time` : ""}\n`);
    const tallies =
      workers > 1
        ? await runQueued(files, workers, (file) => statSync(path.join(ROOT, file)).size, (file) => runMocha(file, [file], grep, false))
        : [await runMocha(suite.name, files, grep, alone)];
    for (const tally of tallies) {
      total.passed += tally.passed;
      total.failed += tally.failed;
      total.skipped += tally.skipped;
      if (tally.exitCode !== 0) total.exitCode = tally.exitCode;
    }
    process.stdout.write(`=== ${suite.name}: ${Math.round((Date.now() - started) / 1000)} s\n`);
  };
  for (const stage of [...new Set(suites.map((suite) => suite.stage))].sort((a, b) => a - b)) {
    const inStage = suites.filter((suite) => suite.stage === stage);
    const sequential = inStage.filter((suite) => (suite.workers ?? 1) <= 1);
    const own = inStage.filter((suite) => (suite.workers ?? 1) > 1);
    const lanes = (sequential.length > 0 ? 1 : 0) + own.length;
    const sequentialLane = async () => {
      for (const suite of sequential) await runSuite(suite, lanes === 1);
    };
    await Promise.all([sequentialLane(), ...own.map((suite) => runSuite(suite, false))]);
  }
  process.stdout.write(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exitCode = total.failed > 0 || total.exitCode !== 0 ? 1 : 0;
}

if (require.main === module) void main();
