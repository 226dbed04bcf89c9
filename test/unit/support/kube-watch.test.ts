/**
 * The Kubernetes suite's watcher (test/support/kube-watch.ts) must see what it is there to catch:
 * weight on a slot without a ready replica, and a baking step whose route lacks the record's
 * weights. Fed a scripted cluster here.
 */
import assert from "node:assert/strict";
import { watchKube } from "../../support/kube-watch";
import type { KubeProject } from "../../support/kube-project";
import type { RolloutRecord } from "../../../automation/rollout/record";

interface Moment {
  route: { blue: number; green: number };
  ready: { blue: number; green: number };
  record?: Partial<RolloutRecord>;
}

/** A project whose reads walk through `moments`, one moment per sample (a sample reads the record twice), staying at the last. */
function scripted(moments: Moment[]): KubeProject {
  let reads = 0;
  const now = () => moments[Math.min(Math.floor(reads / 2), moments.length - 1)]!;
  const deployment = async (slot: "blue" | "green") => ({ spec: { replicas: 2 }, status: { readyReplicas: now().ready[slot] } });
  return {
    deployment: (slot: "blue" | "green") => deployment(slot),
    routeWeights: async () => now().route,
    rolloutRecord: async () => {
      const record = now().record as RolloutRecord | undefined;
      reads++;
      return record;
    },
  } as unknown as KubeProject;
}

const baking = (weights: { blue: number; green: number }): Partial<RolloutRecord> => ({ status: "running", stepIndex: 0, steps: [{ phase: "baking" }], weights });

describe("test support: the Kubernetes watcher", () => {
  it("flags weight on a slot with no ready replica, and a baking step whose route lacks the record's weights", async () => {
    const watch = watchKube(
      scripted([
        { route: { blue: 100, green: 0 }, ready: { blue: 2, green: 0 } },
        { route: { blue: 50, green: 50 }, ready: { blue: 2, green: 0 }, record: baking({ blue: 90, green: 10 }) },
      ]),
      { record: true, everyMs: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = await watch.stop();
    assert.ok(seen.weightOnNothing.some((line) => /blue 50 \/ green 50 while green had no ready replica/.test(line)), JSON.stringify(seen.weightOnNothing));
    assert.ok(seen.bakingMismatches.some((line) => /step 1 baking at blue 90 \/ green 10, the route carries blue 50 \/ green 50/.test(line)), JSON.stringify(seen.bakingMismatches));
    assert.deepEqual(seen.routeSequence, [{ blue: 100, green: 0 }, { blue: 50, green: 50 }]);
  });

  it("a clean rollout: nothing flagged, each baking step seen with its weights", async () => {
    const watch = watchKube(
      scripted([
        { route: { blue: 100, green: 0 }, ready: { blue: 2, green: 2 } },
        { route: { blue: 90, green: 10 }, ready: { blue: 2, green: 2 }, record: baking({ blue: 90, green: 10 }) },
      ]),
      { record: true, everyMs: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = await watch.stop();
    assert.deepEqual([seen.weightOnNothing, seen.bakingMismatches], [[], []]);
    assert.deepEqual([...seen.stepsSeen], [[0, { blue: 90, green: 10 }]]);
  });
});
