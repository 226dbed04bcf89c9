/**
 * Issue #4, metrics 3 and 4, on the local target under autocannon load through HAProxy, with the
 * real deploy command run in this process (automation/commands/deploy.ts), so that the driver
 * classes can be timed from outside:
 * 3. rollback: a release whose canary fails half its requests fails the analysis gate at 20%;
 *    RolloutRunner.rollback is timed as a whole and for its traffic restoration (the
 *    setWeights call inside it), and the engine updates it ran are counted from the CLI calls.
 * 4. failed requests during a full good canary (20/50/100, short bake) and during a rollback.
 */
import { deploy } from "../automation/commands/deploy";
import type { CommandContext } from "../automation/commands/context";
import { EngineTrafficRouter } from "../automation/routers/engine-router";
import { RolloutRunner } from "../automation/rollout/runner";
import type { Slot, Weights } from "../model/weights";
import type { StackConfigInput } from "../model/config/stack";
import { startLoad, type LoadResult } from "../test/support/load";
import { byCommand, callsBetween, timeMethod } from "./support/instrument";
import { createBenchProject } from "./support/project";

const analysis: StackConfigInput["analysis"] = {
  metrics: [
    { name: "error-share", provider: { type: "haproxy", measure: "errorShare" }, interval: "1s", count: 2, successCondition: { max: 0.01 } },
    { name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 2 },
  ],
};

export interface CanaryRun {
  readonly status: string;
  readonly exitCode: number;
  readonly ms: number;
  /** Driver time of each traffic step (EngineTrafficRouter.setWeights), in plan order. */
  readonly stepMs: readonly number[];
  readonly load: LoadResult;
}

export interface RollbackRun {
  readonly status: string;
  readonly exitCode: number;
  readonly trigger?: string;
  readonly deployMs: number;
  /** RolloutRunner.rollback from start to end (traffic restored + prior release re-applied). */
  readonly rollbackMs: number;
  /** The setWeights(100% stable) inside rollback. */
  readonly trafficRestoreMs: number;
  readonly engineUpdates: { targeted: number; full: number };
  readonly trafficRestoreCli: Record<string, { count: number; ms: number }>;
  readonly load: LoadResult;
}

export interface RolloutResult {
  readonly canaries: readonly CanaryRun[];
  readonly rollbacks: readonly RollbackRun[];
}

interface SetWeightsCall {
  readonly weights: Weights;
  readonly start: number;
  readonly ms: number;
}

const other = (slot: Slot): Slot => (slot === "blue" ? "green" : "blue");

export async function benchRollout(options: { canaries: number; rollbacks: number; log: (line: string) => void }): Promise<RolloutResult> {
  const { log } = options;
  const project = await createBenchProject("rollout");
  const setWeightsCalls: SetWeightsCall[] = [];
  const rollbackCalls: { start: number; ms: number }[] = [];
  const undo = [
    timeMethod(EngineTrafficRouter.prototype, "setWeights", (c) => setWeightsCalls.push({ weights: c.args[0] as Weights, start: c.start, ms: c.ms })),
    timeMethod(RolloutRunner.prototype, "rollback", (c) => rollbackCalls.push({ start: c.start, ms: c.ms })),
  ];
  const ctx: CommandContext = { stack: project.stackName, json: true, yes: true, workDir: project.workDir, progress: () => {} };
  const run = () => project.withProcessEnv(() => deploy(ctx));
  const versions: Record<Slot, string> = { blue: "1.0.0", green: "1.0.0" };
  let serving: Slot = "blue";
  let release = 0;
  const releaseConfig = (canary: Slot, failureRate?: number): Partial<StackConfigInput> => ({
    active: canary,
    traffic: undefined,
    slots: {
      blue: canary === "blue" ? { version: `1.${++release}.0`, failureRate } : { version: versions.blue },
      green: canary === "green" ? { version: `1.${++release}.0`, failureRate } : { version: versions.green },
    },
    rollout: { strategy: "canary", steps: [20, 50, 100], bake: "2s" },
    analysis,
    local: { ports: project.ports, runDir: project.runDir },
  });

  try {
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    log("metrics 3 and 4: first deploy of the rollout stack");
    const first = await run();
    if (first.exitCode !== 0) throw new Error(`first deploy failed: ${first.report.summary.status}`);
    const url = `http://127.0.0.1:${project.ports.listen}/`;

    const canaries: CanaryRun[] = [];
    for (let i = 0; i < options.canaries; i++) {
      const canary = other(serving);
      const config = releaseConfig(canary);
      project.writeConfig(config);
      const from = setWeightsCalls.length;
      const load = startLoad(url);
      const started = performance.now();
      const result = await run();
      const ms = performance.now() - started;
      const traffic = await load.stop();
      const status = String(result.report.summary.status);
      canaries.push({ status, exitCode: result.exitCode, ms, stepMs: setWeightsCalls.slice(from).map((c) => c.ms), load: traffic });
      log(`  canary ${i + 1}/${options.canaries} to ${canary}: ${status} in ${(ms / 1000).toFixed(1)} s; ${traffic.failed + traffic.errors} failed of ${traffic.total} requests`);
      if (result.exitCode === 0) {
        versions[canary] = config.slots![canary].version;
        serving = canary;
      } else if (status !== "rolled-back") {
        // Rolled back: the prior config is restored and the next run starts from it. Paused: stuck.
        throw new Error(`the good canary ended ${status}: ${result.report.summary.message ?? ""}`);
      }
    }

    const rollbacks: RollbackRun[] = [];
    for (let i = 0; i < options.rollbacks; i++) {
      const canary = other(serving);
      project.writeConfig(releaseConfig(canary, 0.5));
      const fromSet = setWeightsCalls.length;
      const fromRollback = rollbackCalls.length;
      const load = startLoad(url);
      const started = performance.now();
      const result = await run();
      const deployMs = performance.now() - started;
      const traffic = await load.stop();
      const status = String(result.report.summary.status);
      const rb = rollbackCalls[fromRollback];
      if (!rb) throw new Error(`the bad release was not rolled back (${status}: ${result.report.summary.message ?? ""})`);
      const inRollback = setWeightsCalls.slice(fromSet).filter((c) => c.start >= rb.start && c.start <= rb.start + rb.ms);
      const restore = inRollback[0];
      const cli = callsBetween(rb.start, rb.start + rb.ms);
      const restoreCli = restore ? callsBetween(restore.start, restore.start + restore.ms) : [];
      rollbacks.push({
        status,
        exitCode: result.exitCode,
        trigger: result.report.rollback.automatic_triggers[0],
        deployMs,
        rollbackMs: rb.ms,
        trafficRestoreMs: restore?.ms ?? Number.NaN,
        engineUpdates: { targeted: cli.filter((c) => c.command === "up --target").length, full: cli.filter((c) => c.command === "up").length },
        trafficRestoreCli: byCommand(restoreCli),
        load: traffic,
      });
      const last = rollbacks.at(-1)!;
      log(
        `  rollback ${i + 1}/${options.rollbacks} (bad ${canary}): ${status}; traffic restored in ${(last.trafficRestoreMs / 1000).toFixed(2)} s, ` +
          `whole rollback ${(last.rollbackMs / 1000).toFixed(2)} s, engine updates ${last.engineUpdates.targeted} targeted + ${last.engineUpdates.full} full; ` +
          `${traffic.failed + traffic.errors} failed of ${traffic.total} requests`,
      );
    }
    return { canaries, rollbacks };
  } finally {
    for (const u of undo) u();
    await project.cleanup();
  }
}
