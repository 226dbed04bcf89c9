/**
 * Issue #4, metrics 1 and 2: what one traffic step costs.
 *
 * 1. Step overhead: EngineTrafficRouter.setWeights (the driver's step) against the engine work
 *    it cannot avoid, on the same deployed stack and the same kind of change. Two baselines:
 *    (a) the Automation API's targeted `stack.up({ target })` alone (the brief's baseline), and
 *    (b) the CLI binary alone: `pulumi up --target <urn> --yes --skip-preview` run directly
 *        against the same inline program through `--client` (see support/raw-cli.ts).
 *    The config change is written before each baseline run, untimed.
 * 2. Scale: the same driver step on a ~1,000-resource stack against a ~10-resource stack. The big
 *    stack declares its traffic scope; the same step with the whole program is reported too.
 */
import { readLiveWeights } from "../automation/routers/data-plane";
import { EngineTrafficRouter } from "../automation/routers/engine-router";
import { readStackOutputs } from "../automation/report/outputs";
import { writeStackConfig } from "../test/support/edit-stack-file";
import type { OpenedStack } from "../automation/workspace";
import type { Weights } from "../model/weights";
import { byCommand, recordCli, type CliCall } from "./support/instrument";
import { BASE_RESOURCES, benchProgram } from "./support/program";
import { createBenchProject, deployWithoutCheckpoints, type BenchProject } from "./support/project";
import { rawTargetedUp } from "./support/raw-cli";
import { median } from "./support/stats";

export interface DriverStep {
  readonly totalMs: number;
  /** The targeted update inside the step (OpenedStack.direct "traffic step"). */
  readonly engineUpdateMs: number;
  /** The rest: config write, data-plane read-back, JS. */
  readonly otherMs: number;
  readonly cli: Record<string, { count: number; ms: number }>;
}

export interface StackSteps {
  readonly resources: number;
  /** Deploy of the stack, once, with PULUMI_SKIP_CHECKPOINTS (set-up of the measurement, not a metric). */
  readonly deployMs: number;
  readonly destroyMs?: number;
  /** Steps of one router, as in a rollout: its first step (which reads the stack's outputs) is the untimed warm-up. */
  readonly driver: readonly DriverStep[];
  /** Big stack only: steps on the same stack opened without a traffic scope, so each step runs the whole program. */
  readonly driverWholeProgram?: readonly DriverStep[];
  readonly automationUpMs: readonly number[];
  /** CLI calls inside the baseline stack.up: the `up` process, then the SDK's `stack output` ×2 and `stack history`. */
  readonly automationUpCli?: Record<string, { count: number; ms: number }>;
  /** `pulumi up --target` through the CLI binary alone, the whole program served. */
  readonly rawCliMs: readonly number[];
}

export interface StepsResult {
  readonly small: StackSteps;
  readonly big?: StackSteps;
  readonly configWriteMs: readonly number[];
  readonly dataPlaneReadMs: readonly number[];
  readonly bigSkipped?: string;
}

/** An OpenedStack whose engine operations are timed by name. */
function timedStack(opened: OpenedStack, sink: { op: string; ms: number }[]): OpenedStack {
  const timed = async <T>(op: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      sink.push({ op, ms: performance.now() - start });
    }
  };
  return {
    ...opened,
    run: (op, action) => timed(op, () => opened.run(op, action)),
    direct: (op, args, options) => timed(op, () => opened.direct(op, args, options)),
  };
}

let nextWeight = 0;
/** A different split every time, so every step really changes the weights resource. */
function freshWeights(): Weights {
  nextWeight = (nextWeight % 9) + 1;
  const green = nextWeight * 10;
  return { blue: 100 - green, green };
}

/** A router as a rollout holds one: the same instance for every step, its engine operations timed. */
function timedRouter(opened: OpenedStack) {
  const ops: { op: string; ms: number }[] = [];
  const router = new EngineTrafficRouter(timedStack(opened, ops));
  return {
    async step(): Promise<DriverStep> {
      ops.length = 0;
      const { ms, calls } = await recordCli(() => router.setWeights(freshWeights()));
      const engine = ops.filter((o) => o.op === "traffic step").reduce((a, o) => a + o.ms, 0);
      return { totalMs: ms, engineUpdateMs: engine, otherMs: ms - engine, cli: byCommand(calls) };
    },
  };
}

async function trafficUrns(opened: OpenedStack): Promise<string[]> {
  const outputs = (await readStackOutputs(opened)) as { trafficUrns?: string[] };
  if (!outputs.trafficUrns?.length) throw new Error("the bench stack exports no trafficUrns");
  return outputs.trafficUrns;
}

async function automationUp(project: BenchProject, opened: OpenedStack, urns: string[]): Promise<{ ms: number; calls: CliCall[] }> {
  writeStackConfig(project.workDir, project.stackName, { traffic: freshWeights() });
  return recordCli(() => opened.run("baseline up", (s) => s.up({ target: urns })));
}

async function rawUp(project: BenchProject, extra: number, urns: string[]): Promise<number> {
  writeStackConfig(project.workDir, project.stackName, { traffic: freshWeights() });
  return (await rawTargetedUp(project, benchProgram(extra), urns)).ms;
}

/**
 * Deploys the bench program; the big stack declares its traffic scope (the Switchyard program
 * alone), as a program composing Switchyard with many resources of its own would.
 */
async function deployStack(name: string, extra: number, log: (line: string) => void) {
  const project = await createBenchProject(name);
  const opened = await project.open({ full: benchProgram(extra), traffic: benchProgram(0) });
  log(`  deploying ${name}: the local environment + ${extra} no-op resources ...`);
  const started = performance.now();
  await deployWithoutCheckpoints(opened);
  const deployMs = performance.now() - started;
  const state = await opened.run("export", (s) => s.exportStack());
  const resources = (state.deployment as { resources?: unknown[] }).resources?.length ?? Number.NaN;
  log(`  deployed ${name}: ${resources} resources in ${(deployMs / 1000).toFixed(1)} s`);
  return { project, opened, deployMs, resources };
}

/** The small stack: driver step vs both baselines, interleaved per repetition. */
async function smallStack(reps: number, log: (line: string) => void): Promise<{ steps: StackSteps; project: BenchProject; opened: OpenedStack }> {
  const extra = 10 - BASE_RESOURCES;
  const { project, opened, deployMs, resources } = await deployStack("steps-10", extra, log);
  const urns = await trafficUrns(opened);
  const router = timedRouter(opened);
  // Warm-up, untimed: the router's first step reads the stack's outputs, and the first update of a process pays for module loading.
  await router.step();
  await rawUp(project, extra, urns);
  const driver: DriverStep[] = [];
  const auto: number[] = [];
  const raw: number[] = [];
  let autoCli: CliCall[] = [];
  for (let i = 0; i < reps; i++) {
    driver.push(await router.step());
    const a = await automationUp(project, opened, urns);
    auto.push(a.ms);
    autoCli = a.calls;
    raw.push(await rawUp(project, extra, urns));
    log(`  rep ${i + 1}/${reps}: driver step ${Math.round(driver.at(-1)!.totalMs)} ms, Automation API up ${Math.round(a.ms)} ms, raw CLI up ${Math.round(raw.at(-1)!)} ms`);
  }
  return { steps: { resources, deployMs, driver, automationUpMs: auto, automationUpCli: byCommand(autoCli), rawCliMs: raw }, project, opened };
}

async function bigStack(extra: number, reps: number, log: (line: string) => void): Promise<StackSteps> {
  const { project, opened, deployMs, resources } = await deployStack("steps-1000", extra, log);
  try {
    const urns = await trafficUrns(opened);
    const scoped = timedRouter(opened);
    const whole = timedRouter(await project.open(benchProgram(extra)));
    await scoped.step();
    await whole.step();
    const driver: DriverStep[] = [];
    const driverWholeProgram: DriverStep[] = [];
    const auto: number[] = [];
    const raw: number[] = [];
    let autoCli: CliCall[] = [];
    for (let i = 0; i < reps; i++) {
      driver.push(await scoped.step());
      driverWholeProgram.push(await whole.step());
      const a = await automationUp(project, opened, urns);
      auto.push(a.ms);
      autoCli = a.calls;
      raw.push(await rawUp(project, extra, urns));
      log(
        `  rep ${i + 1}/${reps}: driver step ${Math.round(driver.at(-1)!.totalMs)} ms (whole program: ${Math.round(driverWholeProgram.at(-1)!.totalMs)} ms), ` +
          `Automation API up ${Math.round(a.ms)} ms, raw CLI up ${Math.round(raw.at(-1)!)} ms`,
      );
    }
    const state = await opened.run("export", (s) => s.exportStack());
    const kept = (state.deployment as { resources?: unknown[] }).resources?.length ?? 0;
    if (kept !== resources) throw new Error(`the big stack holds ${kept} resources after the steps, ${resources} before`);
    const destroyMs = await destroyLocalThenRemove(opened, log);
    return { resources, deployMs, destroyMs, driver, driverWholeProgram, automationUpMs: auto, automationUpCli: byCommand(autoCli), rawCliMs: raw };
  } finally {
    await project.cleanup().catch(() => undefined);
  }
}

/**
 * A full destroy of ~1,000 resources takes over two minutes here (measured once: 132 s), which the
 * time budget cannot afford, and the no-op resources own nothing outside the state. So the
 * resources that do own something (HAProxy, workloads: the `local` dynamic resources) are
 * destroyed with a targeted destroy, then the stack is removed with what is left in its state.
 */
async function destroyLocalThenRemove(opened: OpenedStack, log: (line: string) => void): Promise<number> {
  const state = await opened.run("export", (s) => s.exportStack());
  const resources = ((state.deployment as { resources?: { urn: string; type: string }[] }).resources ?? []);
  const owning = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/local:")).map((r) => r.urn);
  log(`  destroying the ${owning.length} resources that own processes (targeted), then removing the stack ...`);
  const started = performance.now();
  await opened.run("destroy", (s) => s.destroy({ target: owning, targetDependents: true }));
  await opened.run("removing the stack", (s) => s.workspace.removeStack(s.name, { force: true }));
  return performance.now() - started;
}

/** The pieces of the driver's step that are not engine operations, timed alone on the small stack. */
async function sideCosts(project: BenchProject, opened: OpenedStack, reps: number) {
  const outputs = (await readStackOutputs(opened)) as Parameters<typeof readLiveWeights>[0];
  const live = (await readLiveWeights(outputs))!;
  const configWriteMs: number[] = [];
  const dataPlaneReadMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    let start = performance.now();
    writeStackConfig(project.workDir, project.stackName, { traffic: live });
    configWriteMs.push(performance.now() - start);
    start = performance.now();
    await readLiveWeights(outputs);
    dataPlaneReadMs.push(performance.now() - start);
  }
  return { configWriteMs, dataPlaneReadMs };
}

export async function benchSteps(options: { reps: number; bigExtra: number; skipBig?: string; log: (line: string) => void }): Promise<StepsResult> {
  const { reps, log } = options;
  log("metric 1 (+ the 10-resource half of metric 2): traffic step on a small deployed stack");
  const small = await smallStack(reps, log);
  let side;
  try {
    side = await sideCosts(small.project, small.opened, reps);
    log(`  config write alone ${median(side.configWriteMs).toFixed(1)} ms, data-plane read alone ${median(side.dataPlaneReadMs).toFixed(1)} ms`);
  } finally {
    small.steps = { ...small.steps, destroyMs: await small.project.cleanup() };
  }
  if (options.skipBig) {
    log(`metric 2: skipped the big stack (${options.skipBig})`);
    return { small: small.steps, ...side, bigSkipped: options.skipBig };
  }
  log(`metric 2: traffic step on a ~${options.bigExtra + BASE_RESOURCES}-resource stack`);
  const big = await bigStack(options.bigExtra, reps, log);
  return { small: small.steps, big, ...side };
}

