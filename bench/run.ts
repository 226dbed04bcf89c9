/**
 * `npm run bench`: the issue #4 benchmarks. Prints (never asserts) each figure as a ratio against
 * a named baseline with the raw numbers, and writes bench/results/latest.json.
 *
 * Knobs (environment): SWITCHYARD_BENCH_REPS (default 3), SWITCHYARD_BENCH_BIG (no-op resources
 * added for the big stack, default 992 → ~1,000 resources), SWITCHYARD_BENCH_SKIP_BIG=1,
 * SWITCHYARD_BENCH_CANARIES (default 1), SWITCHYARD_BENCH_ROLLBACKS (default 3),
 * SWITCHYARD_BENCH_ONLY=steps|rollout|components|drift|dr, SWITCHYARD_BENCH_DR_RUNS (default 5),
 * SWITCHYARD_BENCH_DR_FAULTS=processes-killed,haproxy-stopped,network-cut,slow (default all).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, readToolchain } from "../model/toolchain";
import { main as componentsMain } from "./components";
import { main as driftMain } from "./drift";
import { main as drMain } from "./dr";
import { benchRollout, type RolloutResult } from "./rollout";
import { benchSteps, type StepsResult } from "./steps";
import { installCliRecorder } from "./support/instrument";
import { BASE_RESOURCES } from "./support/program";
import { cleanupAll } from "./support/project";
import { buildReport } from "./support/report";

const log = (line: string) => console.log(line);
const envNumber = (key: string, fallback: number) => {
  const value = Number(process.env[key]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Runs a benchmark that prints its own figures (components: issue #3; drift: issue #5). */
async function ownReportBench(name: string, main: () => unknown): Promise<{ ran: boolean; note: string; figures?: unknown; error?: string }> {
  log(`${name} benchmark:`);
  try {
    const figures = await main();
    return { ran: true, note: `ran the ${name} benchmark; its figures are in its own output`, figures };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} benchmark failed: ${message}`);
    return { ran: true, note: `the ${name} benchmark failed`, error: message };
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  installCliRecorder();
  const only = process.env.SWITCHYARD_BENCH_ONLY;
  const reps = envNumber("SWITCHYARD_BENCH_REPS", 3);
  const bigExtra = envNumber("SWITCHYARD_BENCH_BIG", 1000 - BASE_RESOURCES);
  const started = performance.now();
  let steps: StepsResult | undefined;
  let rollout: RolloutResult | undefined;
  const errors: string[] = [];
  const attempt = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push(`${name}: ${message.split("\n").slice(0, 8).join("\n")}`);
      log(`${name} failed: ${message}`);
      return undefined;
    } finally {
      await cleanupAll(log);
    }
  };
  if (!only || only === "steps") {
    steps = await attempt("steps", () => benchSteps({ reps, bigExtra, skipBig: process.env.SWITCHYARD_BENCH_SKIP_BIG ? "SWITCHYARD_BENCH_SKIP_BIG is set" : undefined, log }));
  }
  if (!only || only === "rollout") {
    rollout = await attempt("rollout", () =>
      benchRollout({ canaries: envNumber("SWITCHYARD_BENCH_CANARIES", 1), rollbacks: envNumber("SWITCHYARD_BENCH_ROLLBACKS", 3), log }),
    );
  }
  const skipped = { ran: false, note: `skipped (SWITCHYARD_BENCH_ONLY=${only})` };
  const components = !only || only === "components" ? await ownReportBench("components", componentsMain) : skipped;
  const drift = !only || only === "drift" ? await ownReportBench("drift", driftMain) : skipped;
  const dr = !only || only === "dr" ? await ownReportBench("dr", () => drMain(log)) : skipped;
  const totalMs = performance.now() - started;

  const report = buildReport({ steps, rollout });
  log("");
  for (const line of report.notes) log(line);
  log("");
  log(report.table);
  if (errors.length) log(`\n${errors.length} part(s) failed; see above. ${errors.map((e) => e.split("\n")[0]).join("; ")}`);
  log(`\nbench took ${(totalMs / 1000).toFixed(0)} s on ${cpus().length} cores`);

  const toolchain = readToolchain();
  const summary = {
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cpus: cpus().length, node: process.version, pulumi: toolchain.pulumiVersion },
    settings: { reps, bigExtra, only: only ?? null },
    totalSeconds: Math.round(totalMs / 1000),
    rows: report.rows,
    notes: report.notes,
    errors,
    components,
    drift,
    dr,
    raw: { steps, rollout },
  };
  const dir = path.join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "latest.json"), `${JSON.stringify(summary, null, 2)}\n`);
  log(`summary written to ${path.relative(PROJECT_ROOT, path.join(dir, "latest.json"))}`);
  return errors.length ? 1 : 0;
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`\n${signal}: destroying bench stacks before exit (again to force)`);
    void cleanupAll(log).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(error);
    await cleanupAll(log);
    process.exit(1);
  },
);
