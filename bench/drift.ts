/**
 * Benchmark of `switchyard drift` on a stack of 1,000 dynamic resources (local, no-op) against the
 * raw commands that answer its two questions on the same stack: `pulumi refresh --preview-only`
 * (the cloud) and `pulumi preview` (the code; the program file run by the Node.js language host).
 * Prints wall time, peak memory and their ratios (goal: both questions <= 1.10x the slower raw
 * command, since they are independent and may overlap; driver memory <= 300 MB); never asserts.
 *
 * Three drift figures: the cloud question alone (what the raw command answers, like for like),
 * through the real command line (`switchyard drift --only cloud`); the whole check, which also
 * previews the program; and the code question (the preview) alone. The last two go through a
 * harness: the bench's program is not the Switchyard one.
 * Each run is a process of its own, timed from spawn to exit, alternating with the raw CLI so
 * that both see the same machine load.
 *
 * Knobs: SWITCHYARD_BENCH_DRIFT_RESOURCES (default 1000), SWITCHYARD_BENCH_REPS (default 3).
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "../automation/drift/model";
import { engineEnvironment, resolvePassphrase } from "../automation/workspace";
import { PROJECT_ROOT, readToolchain } from "../model/toolchain";
import { CLI, createTestProject, NODE } from "../test/support/project";
import { deployWithoutCheckpoints } from "./support/project";
import type { DriverLine } from "./drift-support/driver";
import { noopProgram } from "./drift-support/program";

const PEAK_RSS = path.join(__dirname, "drift-support", "peak-rss.cjs");
const TIME = "/usr/bin/time";

interface Sample {
  readonly ms: number;
  /** Peak RSS of the largest process in the run's tree (GNU time: waited-for descendants included), MB. */
  readonly treeMaxRssMb: number;
  readonly driverMaxRssMb?: number;
  readonly detail?: DriverLine;
}

export interface DriftBenchResult {
  readonly resources: number;
  readonly reps: number;
  readonly raw: Sample;
  /** Raw `pulumi preview` of the program file: the code question's baseline. */
  readonly rawPreview: Sample;
  readonly driftCloud: Sample;
  readonly driftFull: Sample;
  /** The code question alone: a preview, which the baseline has no counterpart for. */
  readonly driftCode: Sample;
  readonly ratios: {
    readonly cloudTime: number;
    /** Both questions against the slower of the two raw commands: the goal. */
    readonly fullTime: number;
    /** The code question against raw `pulumi preview`. */
    readonly codeTime: number;
    readonly cloudTreeMemory: number;
  };
  readonly goals: { readonly timeRatio: 1.1; readonly driverMemoryMb: 300 };
  readonly rawRunsInlineStack: boolean;
}

const envNumber = (key: string, fallback: number) => {
  const value = Number(process.env[key]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs a command under GNU time; resolves with wall time, the tree's peak RSS and stdout. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ ms: number; maxRssMb: number; stdout: string; code: number | null; stderr: string }> {
  const stats = path.join(cwd, `time-${process.hrtime.bigint()}.txt`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TIME, ["-f", "%M", "-o", stats, command, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - started;
      const kb = Number(readFileSync(stats, "utf8").trim().split("\n").pop());
      rmSync(stats, { force: true });
      resolve({ ms, maxRssMb: kb / 1024, stdout, code, stderr });
    });
  });
}

interface BenchStack {
  readonly workDir: string;
  /** The test project's run dir (unused: no local environment is deployed). */
  readonly runDir: string;
  readonly stackName: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A Switchyard project (valid stack config, own backend) whose state holds `count` no-op dynamic resources. */
async function createStack(count: number): Promise<BenchStack> {
  // Inside the repository: the engine's dynamic-provider hosts resolve our node_modules from there.
  const project = await createTestProject("drift-bench", { plainPrograms: true });
  const { workDir, runDir, stackName } = project;
  const env = { ...project.env, SWITCHYARD_BENCH_DRIFT_RESOURCES: String(count) };
  // The plain CLI runs the same program from a file.
  const projectFile = path.join(workDir, "Pulumi.yaml");
  const main = path.relative(workDir, path.join(__dirname, "drift-support", "plain-main.ts"));
  writeFileSync(projectFile, readFileSync(projectFile, "utf8").replace(/^main: .*$/m, `main: ${main}`));
  await deployWithoutCheckpoints(await project.open(noopProgram(count)));
  return { workDir, runDir, stackName, env };
}

/** A raw CLI command on the stack, in the engine's environment (as `npm run pulumi` runs it). */
function rawCli(stack: BenchStack, args: readonly string[]) {
  const toolchain = readToolchain();
  const vars = engineEnvironment({ stackName: stack.stackName, workDir: stack.workDir, env: stack.env }, toolchain, resolvePassphrase(stack.stackName, stack.workDir, stack.env));
  const binary = path.join(toolchain.pulumiRoot, "bin", "pulumi");
  return timed(binary, [...args, "--non-interactive", "--stack", stack.stackName, "--cwd", stack.workDir], { ...stack.env, ...vars }, stack.workDir);
}

const rawRefresh = (stack: BenchStack) => rawCli(stack, ["refresh", "--preview-only"]);

/** Raw `pulumi preview` of the program file; checks it saw every resource, unchanged. */
async function rawPreview(stack: BenchStack, count: number): Promise<Sample> {
  const run = await rawCli(stack, ["preview"]);
  if (run.code !== 0) throw new Error(`raw pulumi preview failed (exit ${run.code}): ${(run.stdout + run.stderr).slice(-2000)}`);
  const unchanged = Number(run.stdout.match(/(\d+) unchanged/)?.[1] ?? 0);
  if (unchanged < count) throw new Error(`raw pulumi preview saw ${unchanged} unchanged resources, expected ${count}: ${run.stdout.slice(-1000)}`);
  return { ms: run.ms, treeMaxRssMb: run.maxRssMb };
}

/**
 * The cloud question through the real command line, as CI runs it (`npm run drift` runs exactly
 * this node command): `switchyard drift --only cloud --json`. Its own peak RSS comes from a
 * preloaded module that writes it at exit; the command itself is not touched.
 */
async function driftCloudRun(stack: BenchStack, count: number): Promise<Sample> {
  const rssFile = path.join(stack.workDir, `rss-${process.hrtime.bigint()}.txt`);
  const args = ["--import", "tsx", "--require", PEAK_RSS, CLI, "drift", "--only", "cloud", "--json", "--stack", stack.stackName, "--cwd", stack.workDir];
  const run = await timed(NODE, args, { ...stack.env, SWITCHYARD_BENCH_RSS_FILE: rssFile }, PROJECT_ROOT);
  if (run.code !== 0) throw new Error(`switchyard drift exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const report = JSON.parse(run.stdout) as DriftReport;
  if (report.summary.resources_checked < count) throw new Error(`drift checked ${report.summary.resources_checked} resources, expected ${count}`);
  const driverMaxRssMb = Number(readFileSync(rssFile, "utf8"));
  rmSync(rssFile, { force: true });
  return { ms: run.ms, treeMaxRssMb: run.maxRssMb, driverMaxRssMb, detail: { ms: run.ms, items: report.items.length, resources: report.summary.resources_checked, exitCode: report.summary.exit_code, maxRssMb: driverMaxRssMb } };
}

/** Questions that preview: the harness, because previewing needs the bench's own program (1,000 no-op resources), not the Switchyard program. */
async function driftHarnessRun(stack: BenchStack, count: number, mode: "code" | "both"): Promise<Sample> {
  const driver = path.join(__dirname, "drift-support", "driver.ts");
  const run = await timed(NODE, ["--import", "tsx", driver, stack.workDir, stack.stackName, String(count), mode], stack.env, PROJECT_ROOT);
  if (run.code !== 0) throw new Error(`drift driver exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const detail = JSON.parse(run.stdout.trim().split("\n").pop()!) as DriverLine;
  if (detail.resources < count) throw new Error(`drift checked ${detail.resources} resources, expected ${count}`);
  return { ms: run.ms, treeMaxRssMb: run.maxRssMb, driverMaxRssMb: detail.maxRssMb, detail };
}

const pick = (samples: Sample[]): Sample => {
  const ms = median(samples.map((s) => s.ms));
  return { ...samples.find((s) => s.ms === ms)!, treeMaxRssMb: Math.max(...samples.map((s) => s.treeMaxRssMb)), driverMaxRssMb: samples[0]!.driverMaxRssMb === undefined ? undefined : Math.max(...samples.map((s) => s.driverMaxRssMb!)) };
};

export async function main(): Promise<DriftBenchResult> {
  const count = envNumber("SWITCHYARD_BENCH_DRIFT_RESOURCES", 1000);
  const reps = envNumber("SWITCHYARD_BENCH_REPS", 3);
  const log = (line: string) => console.log(`drift bench: ${line}`);
  log(`deploying ${count} no-op dynamic resources`);
  const stack = await createStack(count);
  try {
    const first = await rawRefresh(stack);
    const rawRunsInlineStack = first.code === 0;
    if (!rawRunsInlineStack) throw new Error(`raw pulumi refresh --preview-only failed on the inline-program stack: ${first.stderr.slice(-1500)}`);
    log("verified: the raw CLI refreshes the inline-program stack (refresh runs no program)");
    // Warm-up: tsx's compile cache, the provider host.
    await driftCloudRun(stack, count);
    await driftHarnessRun(stack, count, "both");
    await rawPreview(stack, count);
    const raw: Sample[] = [];
    const preview: Sample[] = [];
    const cloud: Sample[] = [];
    const full: Sample[] = [];
    const code: Sample[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const r = await rawRefresh(stack);
      if (r.code !== 0) throw new Error(`raw refresh failed: ${r.stderr.slice(-1500)}`);
      raw.push({ ms: r.ms, treeMaxRssMb: r.maxRssMb });
      preview.push(await rawPreview(stack, count));
      cloud.push(await driftCloudRun(stack, count));
      full.push(await driftHarnessRun(stack, count, "both"));
      code.push(await driftHarnessRun(stack, count, "code"));
      const sec = (list: Sample[]) => `${(list.at(-1)!.ms / 1000).toFixed(2)} s`;
      log(`rep ${rep + 1}/${reps}: raw refresh ${(r.ms / 1000).toFixed(2)} s, raw preview ${sec(preview)}, drift (cloud) ${sec(cloud)}, drift (both) ${sec(full)}, drift (code) ${sec(code)}`);
    }
    const slowerRaw = Math.max(median(raw.map((s) => s.ms)), median(preview.map((s) => s.ms)));
    const result: DriftBenchResult = {
      resources: count,
      reps,
      raw: pick(raw),
      rawPreview: pick(preview),
      driftCloud: pick(cloud),
      driftFull: pick(full),
      driftCode: pick(code),
      ratios: {
        cloudTime: median(cloud.map((s) => s.ms)) / median(raw.map((s) => s.ms)),
        fullTime: median(full.map((s) => s.ms)) / slowerRaw,
        codeTime: median(code.map((s) => s.ms)) / median(preview.map((s) => s.ms)),
        cloudTreeMemory: Math.max(...cloud.map((s) => s.treeMaxRssMb)) / Math.max(...raw.map((s) => s.treeMaxRssMb)),
      },
      goals: { timeRatio: 1.1, driverMemoryMb: 300 },
      rawRunsInlineStack,
    };
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    log(`${count} resources, median of ${reps}:`);
    log(`  raw pulumi refresh --preview-only   ${s(result.raw.ms)}, peak RSS ${result.raw.treeMaxRssMb.toFixed(0)} MB`);
    log(`  raw pulumi preview (language host)  ${s(result.rawPreview.ms)}, peak RSS ${result.rawPreview.treeMaxRssMb.toFixed(0)} MB`);
    log(`  switchyard drift, both questions    ${s(result.driftFull.ms)}  ratio ${result.ratios.fullTime.toFixed(2)} to the slower raw command (goal <= 1.10); driver peak RSS ${result.driftFull.driverMaxRssMb!.toFixed(0)} MB (goal <= 300)`);
    log(`  switchyard drift, cloud question    ${s(result.driftCloud.ms)}  ratio ${result.ratios.cloudTime.toFixed(2)} to raw refresh; driver peak RSS ${result.driftCloud.driverMaxRssMb!.toFixed(0)} MB`);
    log(`  switchyard drift, code question     ${s(result.driftCode.ms)}  ratio ${result.ratios.codeTime.toFixed(2)} to raw preview; driver peak RSS ${result.driftCode.driverMaxRssMb!.toFixed(0)} MB`);
    log(`  largest process of a run (engine): raw ${result.raw.treeMaxRssMb.toFixed(0)} MB, drift ${result.driftCloud.treeMaxRssMb.toFixed(0)} MB (ratio ${result.ratios.cloudTreeMemory.toFixed(2)})`);
    return result;
  } finally {
    // No-op resources own nothing outside the stack's own backend folder.
    rmSync(stack.workDir, { recursive: true, force: true });
    rmSync(stack.runDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
