/**
 * Issue #4, metrics 1 and 2: what one traffic step costs.
 *
 * 1. Step overhead: EngineTrafficRouter.setWeights (the driver's step) against the engine work
 *    it cannot avoid, on the same deployed stack and the same kind of change. Two baselines:
 *    (a) the Automation API's targeted `stack.up({ target })` alone (the brief's baseline), and
 *    (b) the CLI binary alone: `pulumi up --target <urn> --yes --skip-preview` run directly
 *        against the same inline program through `--client` (see support/raw-cli.ts).
 *    The config change is written before each baseline run, untimed.
 * 2. Scale: the same driver step on a ~1,000-resource stack against a ~10-resource stack.
 */
import { readLiveWeights } from "../automation/routers/data-plane";
import { EngineTrafficRouter } from "../automation/routers/engine-router";
import { programOutputs } from "../automation/report/outputs";
import { writeStackConfig } from "../automation/stack-file";
import type { OpenedStack } from "../automation/workspace";
import type { Weights } from "../components/traffic/weights";
import { byCommand, recordCli, type CliCall } from "./support/instrument";
import { BASE_RESOURCES, benchProgram } from "./support/program";
import { createBenchProject, type BenchProject } from "./support/project";
import { rawTargetedUp } from "./support/raw-cli";
import { median } from "./support/stats";

export interface DriverStep {
  readonly totalMs: number;
  /** Time inside OpenedStack.run, by operation ("reading outputs" twice: before and read-back; "traffic step": stack.up). */
  readonly outputsBeforeMs: number;
  readonly engineUpdateMs: number;
  readonly outputsReadBackMs: number;
  /** The rest: config write, data-plane read, JS. */
  readonly otherMs: number;
  readonly cli: Record<string, { count: number; ms: number }>;
}

export interface StackSteps {
  readonly resources: number;
  readonly deployMs: number;
  readonly destroyMs?: number;
  readonly driver: readonly DriverStep[];
  readonly automationUpMs: readonly number[];
  /** CLI calls inside the baseline stack.up: the `up` process, then the SDK's `stack output` ×2 and `stack history`. */
  readonly automationUpCli?: Record<string, { count: number; ms: number }>;
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
  return {
    ...opened,
    run: async (op, action) => {
      const start = performance.now();
      try {
        return await opened.run(op, action);
      } finally {
        sink.push({ op, ms: performance.now() - start });
      }
    },
  };
}

let nextWeight = 0;
/** A different split every time, so every step really changes the weights resource. */
function freshWeights(): Weights {
  nextWeight = (nextWeight % 9) + 1;
  const green = nextWeight * 10;
  return { blue: 100 - green, green };
}

async function driverStep(opened: OpenedStack): Promise<DriverStep> {
  const ops: { op: string; ms: number }[] = [];
  const router = new EngineTrafficRouter(timedStack(opened, ops));
  const { ms, calls } = await recordCli(() => router.setWeights(freshWeights()));
  const reads = ops.filter((o) => o.op === "reading outputs");
  const engine = ops.filter((o) => o.op === "traffic step").reduce((a, o) => a + o.ms, 0);
  const before = reads[0]?.ms ?? 0;
  const readBack = reads.slice(1).reduce((a, o) => a + o.ms, 0);
  return { totalMs: ms, outputsBeforeMs: before, engineUpdateMs: engine, outputsReadBackMs: readBack, otherMs: ms - before - engine - readBack, cli: byCommand(calls) };
}

async function trafficUrns(opened: OpenedStack): Promise<string[]> {
  const outputs = programOutputs(await opened.run("reading outputs", (s) => s.outputs())) as { trafficUrns?: string[] };
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

async function deployStack(name: string, extra: number, log: (line: string) => void) {
  const project = await createBenchProject(name);
  const opened = await project.open(benchProgram(extra));
  log(`  deploying ${name}: the local environment + ${extra} no-op resources ...`);
  const started = performance.now();
  await opened.run("deploy", (s) => s.up());
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
  // Warm-up, untimed: the first update of a process pays for plugin start-up and module loading.
  await driverStep(opened);
  await rawUp(project, extra, urns);
  const driver: DriverStep[] = [];
  const auto: number[] = [];
  const raw: number[] = [];
  let autoCli: CliCall[] = [];
  for (let i = 0; i < reps; i++) {
    driver.push(await driverStep(opened));
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
    await driverStep(opened);
    const driver: DriverStep[] = [];
    const auto: number[] = [];
    let autoCli: CliCall[] = [];
    for (let i = 0; i < reps; i++) {
      driver.push(await driverStep(opened));
      const a = await automationUp(project, opened, urns);
      auto.push(a.ms);
      autoCli = a.calls;
      log(`  rep ${i + 1}/${reps}: driver step ${Math.round(driver.at(-1)!.totalMs)} ms, Automation API up ${Math.round(a.ms)} ms`);
    }
    const destroyMs = await destroyLocalThenRemove(opened, log);
    return { resources, deployMs, destroyMs, driver, automationUpMs: auto, automationUpCli: byCommand(autoCli), rawCliMs: [] };
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
  const outputs = programOutputs(await opened.run("reading outputs", (s) => s.outputs())) as Parameters<typeof readLiveWeights>[0];
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

