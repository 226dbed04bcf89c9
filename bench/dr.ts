/**
 * Issue #14's benchmark: recovery time and failed requests for each fault of the primary region
 * of a two-region local stack (test/support/dr-stack.ts), `SWITCHYARD_BENCH_DR_RUNS` runs each
 * (default 5), under steady load through the front. Each run: healthy measurements, the fault,
 * `switchyard watch` failing over by itself, then the repair and a failback. Printed, never
 * asserted: RTO median and worst against the 10-s goal (1-s health checks), and failed requests
 * against their bound, RTO × request rate.
 */
import { startLoad } from "../test/support/load";
import { createDrStack, FAULTS, injectFault, repairFault, canCutNetwork, type Fault } from "../test/support/dr-stack";

const RATE = 50;
const GOAL_SECONDS = 10;

interface Run {
  readonly rtoSeconds: number | null;
  readonly failed: number;
  readonly total: number;
  readonly status: string;
}

export interface DrFaultResult {
  readonly fault: Fault;
  readonly runs: readonly Run[];
  readonly rto: { readonly median: number | null; readonly worst: number | null };
  readonly failed: { readonly median: number; readonly worst: number; readonly bound: number | null };
  readonly skipped?: string;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function oneRun(stack: Awaited<ReturnType<typeof createDrStack>>, fault: Fault): Promise<Run> {
  const load = startLoad(`${(await stack.outputs()).endpoint}/`, { rate: RATE, connections: 4 });
  const watch = stack.project.cliInBackground("watch", "--for", "120s", "--json");
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await injectFault(stack, fault);
    const watched = await watch.done;
    const result = await load.stop();
    const doc = JSON.parse(watched.stdout) as { status?: string; dr?: { rto_seconds?: number | null } };
    return { rtoSeconds: doc.dr?.rto_seconds ?? null, failed: result.failed + result.errors, total: result.total, status: doc.status ?? `exit ${watched.code}` };
  } finally {
    await load.stop().catch(() => undefined);
    watch.child.kill("SIGINT");
    await repairFault(stack, fault);
    const back = await stack.project.cli("failback", "--json", "--yes");
    if (back.code !== 0) throw new Error(`failback after ${fault} failed: ${back.stdout}${back.stderr}`);
  }
}

export async function main(log: (line: string) => void = console.log): Promise<DrFaultResult[]> {
  const runs = Number(process.env.SWITCHYARD_BENCH_DR_RUNS) > 0 ? Number(process.env.SWITCHYARD_BENCH_DR_RUNS) : 5;
  const stack = await createDrStack("bench-dr", { east: "127.0.41.1", west: "127.0.42.1" });
  const results: DrFaultResult[] = [];
  try {
    const deployed = await stack.project.cli("deploy", "--json", "--yes");
    if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stderr}`);
    const only = process.env.SWITCHYARD_BENCH_DR_FAULTS?.split(",").map((f) => f.trim());
    for (const fault of FAULTS.filter((f) => !only || only.includes(f))) {
      if (fault === "network-cut" && !canCutNetwork()) {
        results.push({ fault, runs: [], rto: { median: null, worst: null }, failed: { median: 0, worst: 0, bound: null }, skipped: "cutting an address needs root and ip" });
        log(`dr bench: ${fault}: skipped (cutting an address needs root and ip)`);
        continue;
      }
      const done: Run[] = [];
      for (let i = 0; i < runs; i++) {
        const run = await oneRun(stack, fault);
        done.push(run);
        log(`dr bench: ${fault} run ${i + 1}/${runs}: ${run.status}, RTO ${run.rtoSeconds ?? "-"} s, ${run.failed} of ${run.total} requests failed`);
      }
      const rtos = done.flatMap((r) => (r.rtoSeconds === null ? [] : [r.rtoSeconds]));
      const worstRto = rtos.length ? Math.max(...rtos) : null;
      const failed = done.map((r) => r.failed);
      results.push({ fault, runs: done, rto: { median: median(rtos), worst: worstRto }, failed: { median: median(failed) ?? 0, worst: Math.max(...failed), bound: worstRto === null ? null : Math.round(worstRto * RATE) } });
    }
  } finally {
    await stack.cleanup();
  }
  log(`dr bench: ${runs} runs per fault, ${RATE} requests/s through the front, 1-s health checks and watch interval, failover after 3 failed measurements`);
  for (const r of results) {
    if (r.skipped) continue;
    log(
      `dr bench:   ${r.fault.padEnd(17)} RTO median ${r.rto.median} s, worst ${r.rto.worst} s (goal < ${GOAL_SECONDS} s: ratio ${r.rto.worst === null ? "-" : (r.rto.worst / GOAL_SECONDS).toFixed(2)}); ` +
        `failed requests median ${r.failed.median}, worst ${r.failed.worst} (bound RTO x rate = ${r.failed.bound}: ratio ${r.failed.bound ? (r.failed.worst / r.failed.bound).toFixed(2) : "-"})`,
    );
  }
  return results;
}
