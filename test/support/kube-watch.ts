/**
 * Samples a `kubernetes` stack from the API server while the driver runs: the HTTPRoute's weights,
 * each slot's Deployment (replicas asked for and ready), and the rollout record. Each sample reads
 * the record and the Deployments, then the route, then both again: a route read between two equal
 * reads of the others happened while they held, so a sample can be judged without a race.
 *
 * Two checks come out of it: weight on a slot with no ready replica at any moment, and a step
 * whose route did not carry the record's weights while it baked (when the record says a step is
 * baking, its weights are applied and read back; the route must show them).
 */
import type { RolloutRecord } from "../../automation/rollout/record";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import type { KubeProject } from "./kube-project";

export interface KubeSample {
  readonly route?: Weights;
  readonly ready: Record<Slot, number>;
  readonly replicas: Record<Slot, number>;
  /** The record's step and weights, when the two reads around the route agreed and the step was baking. */
  readonly baking?: { readonly step: number; readonly weights: Weights };
}

export interface KubeWatch {
  readonly samples: KubeSample[];
  /** Samples with weight on a slot that had no ready replica in both reads around the route. */
  readonly weightOnNothing: string[];
  /** Samples of a baking step whose route did not carry the record's weights. */
  readonly bakingMismatches: string[];
  /** The route's weights as they changed, first to last. */
  readonly routeSequence: Weights[];
  /** Steps seen baking, by index, with the route's weights seen then. */
  readonly stepsSeen: Map<number, Weights>;
  /** Slots seen with 0 replicas asked for at some moment. */
  readonly sawScaledDown: Set<Slot>;
}

const same = (a: Weights | undefined, b: Weights | undefined) => a !== undefined && b !== undefined && a.blue === b.blue && a.green === b.green;
const text = (w: Weights | undefined) => (w ? `blue ${w.blue} / green ${w.green}` : "no route");

async function deployments(project: KubeProject): Promise<{ ready: Record<Slot, number>; replicas: Record<Slot, number> }> {
  const [blue, green] = await Promise.all(SLOTS.map((slot) => project.deployment(slot)));
  const of = (d: any, key: "ready" | "replicas") => (d ? (key === "ready" ? (d.status?.readyReplicas ?? 0) : (d.spec?.replicas ?? 1)) : 0);
  return { ready: { blue: of(blue, "ready"), green: of(green, "ready") }, replicas: { blue: of(blue, "replicas"), green: of(green, "replicas") } };
}

function bakingStep(record: RolloutRecord | undefined): { step: number; weights: Weights } | undefined {
  if (!record || record.status !== "running") return undefined;
  const step = record.steps[record.stepIndex];
  return step?.phase === "baking" ? { step: record.stepIndex, weights: record.weights } : undefined;
}

/** Starts sampling; `stop()` ends it and gives what was seen. */
export function watchKube(project: KubeProject, options: { readonly record?: boolean; readonly everyMs?: number } = {}): { stop(): Promise<KubeWatch> } {
  const watch: KubeWatch = { samples: [], weightOnNothing: [], bakingMismatches: [], routeSequence: [], stepsSeen: new Map(), sawScaledDown: new Set() };
  let stopped = false;
  let failure: unknown;
  const readRecord = () => (options.record ? project.rolloutRecord() : Promise.resolve(undefined));
  const loop = (async () => {
    while (!stopped) {
      try {
        const [recordBefore, before] = await Promise.all([readRecord(), deployments(project)]);
        const route = await project.routeWeights();
        const [recordAfter, after] = await Promise.all([readRecord(), deployments(project)]);
        const bakeBefore = bakingStep(recordBefore);
        const bakeAfter = bakingStep(recordAfter);
        const baking = bakeBefore && bakeAfter && bakeBefore.step === bakeAfter.step && same(bakeBefore.weights, bakeAfter.weights) ? bakeAfter : undefined;
        const sample: KubeSample = { route, ready: after.ready, replicas: after.replicas, ...(baking ? { baking } : {}) };
        watch.samples.push(sample);
        if (route && !same(route, watch.routeSequence.at(-1))) watch.routeSequence.push(route);
        for (const slot of SLOTS) {
          if (before.replicas[slot] === 0 || after.replicas[slot] === 0) watch.sawScaledDown.add(slot);
          if (route && route[slot] > 0 && before.ready[slot] === 0 && after.ready[slot] === 0) {
            watch.weightOnNothing.push(`sample ${watch.samples.length}: ${text(route)} while ${slot} had no ready replica (${after.replicas[slot]} asked for)`);
          }
        }
        if (baking) {
          if (!same(route, baking.weights)) watch.bakingMismatches.push(`sample ${watch.samples.length}: step ${baking.step + 1} baking at ${text(baking.weights)}, the route carries ${text(route)}`);
          else watch.stepsSeen.set(baking.step, route!);
        }
      } catch (error) {
        failure = error;
        stopped = true;
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      if (failure) throw failure;
      return watch;
    },
  };
}

/** Runs `work` with the stack watched; the watch stops whatever `work` does. */
export async function whileWatched<T>(project: KubeProject, work: () => Promise<T>, options: { readonly record?: boolean } = {}): Promise<{ result: T; seen: KubeWatch }> {
  const watch = watchKube(project, options);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await watch.stop().catch(() => undefined);
    throw error;
  }
  return { result, seen: await watch.stop() };
}
