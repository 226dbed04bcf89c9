/** Tick-driven scenarios of the runner against fakes: no engine, no real time. */
import assert from "node:assert/strict";
import type { Weights } from "../../../model/weights";
import type { AnalysisRun, Phase } from "../../../automation/analysis/types";
import { planRollout } from "../../../model/config/plan";
import { ROLLOUT_KEY, type RolloutRecord } from "../../../automation/rollout/record";
import { RolloutRunner, type Clock } from "../../../automation/rollout/runner";
import { MemoryStore } from "../../support/memory-store";


function fakeClock(): Clock {
  let now = Date.parse("2026-11-28T10:00:00Z");
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

function run(phase: Phase): AnalysisRun {
  const at = new Date().toISOString();
  return { phase, startedAt: at, finishedAt: at, metrics: [{ name: "m", phase, message: phase, measurements: [{ phase, value: 1, startedAt: at, finishedAt: at }] }] };
}

function scenario(phases: Phase[], options: { steps?: number[] } = {}) {
  const store = new MemoryStore();
  const applied: Weights[] = [];
  const restored: unknown[] = [];
  const clock = fakeClock();
  const plan = planRollout({ strategy: "canary", steps: options.steps ?? [10, 50, 100], bakeSeconds: 30 });
  const record: RolloutRecord = {
    id: "r-test",
    stack: "s",
    service: "hello",
    strategy: "canary",
    stableSlot: "blue",
    canarySlot: "green",
    stableVersion: "1",
    canaryVersion: "2",
    plan,
    prepared: false,
    stepIndex: 0,
    steps: [],
    weights: { blue: 100, green: 0 },
    status: "running",
    priorConfig: { active: "blue" },
    rollbackTriggers: [],
    startedAt: new Date(clock.now()).toISOString(),
    updatedAt: new Date(clock.now()).toISOString(),
  };
  let prepared = 0;
  const deps = {
    store,
    clock,
    pollMs: 1000,
    router: {
      type: "fake",
      setWeights: async (w: Weights) => {
        applied.push(w);
        return true;
      },
    },
    analyse: async (_s: unknown, index: number) => run(phases[index] ?? "Successful"),
    prepare: async () => void prepared++,
    restorePriorRelease: async (prior: unknown) => void restored.push(prior),
  };
  return {
    store,
    applied,
    restored,
    prepared: () => prepared,
    async start(initial?: Partial<RolloutRecord>) {
      const doc = await store.put(ROLLOUT_KEY, { ...record, ...initial }, 0);
      const runner = new RolloutRunner(deps, doc);
      return { runner, outcome: await runner.run() };
    },
    deps,
  };
}

describe("rollout runner", () => {
  it("prepares once, steps through every weight and succeeds", async () => {
    const s = scenario([]);
    const { runner, outcome } = await s.start();
    assert.equal(outcome, "succeeded");
    assert.equal(s.prepared(), 1);
    assert.deepEqual(s.applied, [{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 0, green: 100 }]);
    assert.equal(runner.record.status, "succeeded");
    assert.equal(runner.record.owner, undefined, "the lease is released");
    assert.deepEqual(runner.record.steps.map((step) => step.phase), ["done", "done", "done"]);
  });

  it("rolls back on a failed analysis: traffic to stable first, then the prior release", async () => {
    const s = scenario(["Successful", "Failed"]);
    const { runner, outcome } = await s.start();
    assert.equal(outcome, "rolled-back");
    assert.deepEqual(s.applied, [{ blue: 90, green: 10 }, { blue: 50, green: 50 }, { blue: 100, green: 0 }]);
    assert.deepEqual(s.restored, [{ active: "blue" }]);
    assert.match(runner.record.rollbackTriggers[0]!, /analysis failed at step 2 \(50% on green\)/);
    assert.equal(runner.record.rollingBack, undefined);
  });

  it("treats an analysis Error like a failure", async () => {
    const { outcome } = await scenario(["Error"]).start();
    assert.equal(outcome, "rolled-back");
  });

  it("pauses on an inconclusive analysis and holds the weights", async () => {
    const s = scenario(["Successful", "Inconclusive"]);
    const { runner, outcome } = await s.start();
    assert.equal(outcome, "paused");
    assert.deepEqual(s.applied.at(-1), { blue: 50, green: 50 });
    assert.match(runner.record.statusReason!, /inconclusive at step 2/);
    assert.equal(runner.record.stepIndex, 1);
  });

  it("resumes a record left mid-bake without redoing earlier steps", async () => {
    const s = scenario([]);
    const { outcome } = await s.start({
      prepared: true,
      stepIndex: 1,
      weights: { blue: 50, green: 50 },
      steps: [{ phase: "done" }, { phase: "baking", bakeStartedAt: "2026-11-28T09:59:50Z" }],
    });
    assert.equal(outcome, "succeeded");
    assert.equal(s.prepared(), 0);
    assert.deepEqual(s.applied, [{ blue: 0, green: 100 }], "only the step after the one in progress is shifted");
  });

  it("finishes a rollback that a dead driver left half done", async () => {
    const s = scenario([]);
    const { outcome } = await s.start({ prepared: true, rollingBack: "analysis failed", rollbackTriggers: ["analysis failed"] });
    assert.equal(outcome, "rolled-back");
    assert.deepEqual(s.applied, [{ blue: 100, green: 0 }]);
    assert.equal(s.restored.length, 1);
  });

  it("blue-green: holds the old slot, then scales it down; an abort during the hold switches back", async () => {
    const held = scenario([]);
    const scaled: string[] = [];
    Object.assign(held.deps, { scaleDownStable: async (slot: string) => void scaled.push(slot) });
    const { outcome } = await held.start({ scaleDownAfterSeconds: 30 });
    assert.equal(outcome, "succeeded");
    assert.deepEqual(scaled, ["blue"]);

    const aborted = scenario([]);
    const never: string[] = [];
    Object.assign(aborted.deps, { scaleDownStable: async (slot: string) => void never.push(slot) });
    const { runner, outcome: abortedOutcome } = await aborted.start({
      scaleDownAfterSeconds: 30,
      prepared: true,
      stepIndex: 3,
      steps: [{ phase: "done" }, { phase: "done" }, { phase: "done" }],
      weights: { blue: 0, green: 100 },
      request: { action: "abort", at: "2026-11-28T10:00:00Z" },
    });
    assert.equal(abortedOutcome, "rolled-back");
    assert.deepEqual(never, [], "the old slot was not scaled down");
    assert.deepEqual(aborted.applied, [{ blue: 100, green: 0 }]);
    assert.match(runner.record.rollbackTriggers[0]!, /during the hold/);
  });

  it("acts on an abort left in the record by another terminal", async () => {
    const s = scenario([]);
    const started = await s.start({ prepared: true, request: { action: "abort", at: "2026-11-28T10:00:00Z" } });
    assert.equal(started.outcome, "rolled-back");
    assert.deepEqual(started.runner.record.rollbackTriggers, ["aborted by request"]);
    assert.deepEqual(s.applied.at(-1), { blue: 100, green: 0 });
  });
  describe("final transition and the ledger", () => {
    function withLedger(phases: Phase[]) {
      const s = scenario(phases);
      const seen: Array<{ status: string; event: string; finalApplied: boolean }> = [];
      const finals: unknown[] = [];
      Object.assign(s.deps, {
        applyFinalConfig: async (config: unknown) => {
          finals.push(config);
          seen.push({ status: (await s.store.get<RolloutRecord>(ROLLOUT_KEY))!.value.status, event: "final-config", finalApplied: true });
        },
        recordFinished: async (record: RolloutRecord) => {
          const stored = (await s.store.get<RolloutRecord>(ROLLOUT_KEY))!.value;
          seen.push({ status: stored.status, event: `ledger ${record.id} ${record.status}`, finalApplied: finals.length > 0 });
        },
      });
      return { s, seen, finals };
    }

    it("a rollback's exact release config is applied before the record says succeeded, then the ledger entry follows", async () => {
      const { s, seen, finals } = withLedger([]);
      const { outcome } = await s.start({ id: "rb-1", kind: "rollback", finalConfig: { active: "green" }, restoresRelease: "rel-1" });
      assert.equal(outcome, "succeeded");
      assert.deepEqual(finals, [{ active: "green" }]);
      assert.deepEqual(seen, [
        { status: "running", event: "final-config", finalApplied: true },
        { status: "succeeded", event: "ledger rb-1 succeeded", finalApplied: true },
      ]);
    });

    it("a rollout without a final config goes straight to succeeded and the ledger", async () => {
      const { s, seen, finals } = withLedger([]);
      await s.start();
      assert.deepEqual(finals, []);
      assert.deepEqual(seen, [{ status: "succeeded", event: "ledger r-test succeeded", finalApplied: false }]);
    });

    it("a rolled-back rollout is recorded once it is rolled back, never with its final config", async () => {
      const { s, seen, finals } = withLedger(["Failed"]);
      const { outcome } = await s.start({ finalConfig: { active: "green" } });
      assert.equal(outcome, "rolled-back");
      assert.deepEqual(finals, []);
      assert.deepEqual(seen, [{ status: "rolled-back", event: "ledger r-test rolled-back", finalApplied: false }]);
    });

    it("a driver resuming a rollback whose predecessor died applies the final config too", async () => {
      const { s, finals } = withLedger([]);
      const { outcome } = await s.start({ kind: "rollback", finalConfig: { active: "green" }, prepared: true, stepIndex: 3, steps: [{ phase: "done" }, { phase: "done" }, { phase: "done" }] });
      assert.equal(outcome, "succeeded");
      assert.deepEqual(finals, [{ active: "green" }]);
      assert.deepEqual(s.applied, [], "no step ran again");
    });
  });
});
