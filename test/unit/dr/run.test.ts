/** The regional move's loop against an in-memory backend: what it does, in order, and what the backend holds after. */
import assert from "node:assert/strict";
import type { AnalysisRun } from "../../../automation/analysis/types";
import { newRegionMove, REGION_MOVE_KEY, type RegionMoveRecord } from "../../../automation/dr/record";
import { driveRegionMove } from "../../../automation/dr/run";
import { MemoryStore } from "../../support/memory-store";

const healthy: AnalysisRun = { phase: "Successful", metrics: [], startedAt: "", finishedAt: "" };

async function stored(store: MemoryStore, record: RegionMoveRecord) {
  return store.put(REGION_MOVE_KEY, record, 0);
}

describe("regional move loop", () => {
  const move = () => newRegionMove({ kind: "failover", stack: "s", from: "east", to: "west", home: "east", plan: [50, 100], bakeMs: 10, promoteData: true, weights: { east: 100, west: 0 }, trigger: "command", owner: { host: "h", pid: 1, heartbeatAt: new Date().toISOString() } });

  it("checks, moves step by step, promotes data last, and leaves the finished record in the backend", async () => {
    const store = new MemoryStore();
    const calls: string[] = [];
    const final = await driveRegionMove(await stored(store, move()), {
      store,
      analyseRegion: async (region, _ms, purpose) => (calls.push(`analyse ${region} ${purpose}`), healthy),
      applyRegionWeights: async (weights) => (calls.push(`apply ${JSON.stringify(weights)}`), true),
      promoteData: async (region) => void calls.push(`promote ${region}`),
    });
    assert.deepEqual(calls, ["analyse west precheck", 'apply {"east":50,"west":50}', "analyse west step", 'apply {"east":0,"west":100}', "analyse west step", "promote west"]);
    assert.equal(final.status, "succeeded");
    assert.deepEqual((await store.get<RegionMoveRecord>(REGION_MOVE_KEY))!.value, final);
  });

  it("an engine failure ends the move as failed, recorded, and is thrown to the command", async () => {
    const store = new MemoryStore();
    await assert.rejects(
      driveRegionMove(await stored(store, move()), {
        store,
        analyseRegion: async () => healthy,
        applyRegionWeights: async () => {
          throw new Error("engine: update failed");
        },
        promoteData: async () => undefined,
      }),
      /engine: update failed/,
    );
    const saved = (await store.get<RegionMoveRecord>(REGION_MOVE_KEY))!.value;
    assert.equal(saved.status, "failed");
    assert.match(saved.statusReason!, /apply failed: engine: update failed/);
  });
});
