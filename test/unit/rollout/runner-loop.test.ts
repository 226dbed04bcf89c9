/**
 * The loop around the machine, on a virtual clock and the in-memory store: what it does with the
 * store's errors, another terminal's writes, and an analysis that runs beside the bake.
 */
import assert from "node:assert/strict";
import type { Weights } from "../../../model/weights";
import type { AnalysisRun, Phase } from "../../../automation/analysis/types";
import { planRollout } from "../../../model/config/plan";
import { ROLLOUT_KEY, type ControlAction, type RolloutRecord } from "../../../automation/rollout/record";
import { MAX_SAVE_ATTEMPTS, RolloutRunner, type RunnerDeps } from "../../../automation/rollout/runner";
import { RevisionConflictError, type DocumentStore } from "../../../automation/store/document-store";
import { FakeClock } from "../analysis/fake-clock";
import { MemoryStore } from "../../support/memory-store";
import { analysisRun, record } from "./machine-fixtures";

const MIN = 60;

function harness(options: { analysisSeconds: number; phase: Phase; bakeSeconds?: number; store?: DocumentStore }) {
  const fake = new FakeClock();
  const store = options.store ?? new MemoryStore();
  const applied: Weights[] = [];
  const restored: unknown[] = [];
  const signals: AbortSignal[] = [];
  const plan = planRollout({ strategy: "canary", steps: [10, 50, 100], bakeSeconds: options.bakeSeconds ?? MIN }).map((s) => ({ ...s, analysis: true }));
  const deps: RunnerDeps = {
    store,
    clock: { now: () => fake.now().getTime(), sleep: (ms, signal) => fake.sleep(ms, signal ?? new AbortController().signal) },
    pollMs: 1000,
    router: { type: "fake", setWeights: async (w) => (applied.push(w), true)},
    analyse: async (_step, _index, _weights, signal) => {
      signals.push(signal);
      await fake.sleep(options.analysisSeconds * 1000, signal);
      return analysisRun(options.phase) satisfies AnalysisRun;
    },
    prepare: async () => {},
    restorePriorRelease: async (prior) => void restored.push(prior),
  };
  const start = fake.now().toISOString();
  const initial = record({ plan, owner: undefined, startedAt: start, updatedAt: start });
  return {
    fake,
    store,
    applied,
    restored,
    signals,
    async runner() {
      return new RolloutRunner(deps, await store.put(ROLLOUT_KEY, initial, 0));
    },
    /** Another terminal's control command: a request written with compare-and-swap. */
    async request(action: ControlAction) {
      const doc = (await store.get<RolloutRecord>(ROLLOUT_KEY))!;
      await store.put(ROLLOUT_KEY, { ...doc.value, request: { action, at: fake.now().toISOString() } }, doc.revision);
    },
  };
}

/** A runner over `store` whose deps do nothing: for what the loop does with the store alone. */
const bareRunner = (store: DocumentStore) =>
  new RolloutRunner(
    { store, router: { type: "fake", setWeights: async () => true }, analyse: async () => undefined, prepare: async () => {}, restorePriorRelease: async () => {} },
    { value: record(), revision: 1 },
  );

/** The virtual time of a record's timestamp, in seconds since the clock started. */
const secondsAt = (fake: FakeClock, iso: string) => fake.elapsedSince(iso) / 1000;

describe("rollout loop", () => {
  it("a failed analysis ends the bake the moment it answers, not at the end of the bake", async () => {
    const h = harness({ analysisSeconds: 5, phase: "Failed" });
    const runner = await h.runner();
    assert.equal(await h.fake.drive(runner.run()), "rolled-back");
    assert.equal(secondsAt(h.fake, runner.record.rollbackStartedAt!), 5);
    assert.deepEqual(h.applied, [{ blue: 90, green: 10 }, { blue: 100, green: 0 }], "traffic back to stable first");
    assert.deepEqual(h.restored, [{ active: "blue" }]);
  });

  it("a rollback the analysis began runs inside rollback(), which bench/rollout.ts times from outside", async () => {
    const h = harness({ analysisSeconds: 5, phase: "Error" });
    const runner = await h.runner();
    const calls: string[] = [];
    const original = runner.rollback.bind(runner);
    Object.assign(runner, { rollback: (...args: Parameters<typeof original>) => (calls.push(args[0]), original(...args)) });
    assert.equal(await h.fake.drive(runner.run()), "rolled-back");
    assert.equal(calls.length, 1);
    assert.match(calls[0]!, /^analysis error at step 1/);
  });

  it("a successful analysis waits for the whole bake of every step", async () => {
    const h = harness({ analysisSeconds: 5, phase: "Successful" });
    const runner = await h.runner();
    assert.equal(await h.fake.drive(runner.run()), "succeeded");
    const bakes = runner.record.steps.map((s) => secondsAt(h.fake, s.finishedAt!) - secondsAt(h.fake, s.bakeStartedAt!));
    assert.deepEqual(bakes, [MIN, MIN, MIN]);
  });

  for (const [action, outcome] of [["abort", "rolled-back"], ["pause", "paused"]] as const) {
    it(`${action} from another terminal mid-bake cancels the analysis (AbortSignal) and ends the run ${outcome}`, async () => {
      const h = harness({ analysisSeconds: MIN, phase: "Successful" });
      const runner = await h.runner();
      const never = new AbortController().signal;
      void h.fake.sleep(20_000, never).then(() => h.request(action));
      assert.equal(await h.fake.drive(runner.run()), outcome);
      assert.equal(h.signals.length, 1);
      assert.equal(h.signals[0]!.aborted, true, "the analysis was told to stop");
      assert.deepEqual(h.applied, action === "abort" ? [{ blue: 90, green: 10 }, { blue: 100, green: 0 }] : [{ blue: 90, green: 10 }]);
      assert.equal((await h.store.get<RolloutRecord>(ROLLOUT_KEY))!.value.status, outcome);
    });
  }

  it("a request written while the driver saves is merged, not lost: the driver acts on it", async () => {
    const memory = new MemoryStore();
    let puts = 0;
    const racing: DocumentStore = {
      location: "memory",
      get: (key) => memory.get(key),
      delete: (key) => memory.delete(key),
      async put(key, value, expected) {
        puts += 1;
        // The driver's 4th write (the shift of step 1 is saved) races an abort from another terminal.
        if (puts === 4) await h.request("abort");
        return memory.put(key, value, expected);
      },
    };
    const h = harness({ analysisSeconds: 5, phase: "Successful", store: racing });
    const runner = await h.runner();
    assert.equal(await h.fake.drive(runner.run()), "rolled-back");
    assert.deepEqual(runner.record.rollbackTriggers, ["aborted by request"]);
  });

  it("a store that denies access fails the run at once, without retrying", async () => {
    const memory = new MemoryStore();
    let puts = 0;
    const denied = new Error("AccessDenied: s3:PutObject on rollout");
    const store: DocumentStore = {
      location: "memory",
      get: (key) => memory.get(key),
      delete: (key) => memory.delete(key),
      async put() {
        puts += 1;
        throw denied;
      },
    };
    await assert.rejects(bareRunner(store).run(), (error) => error === denied);
    assert.equal(puts, 1, "the store was called once");
  });

  it("a save that keeps losing its compare-and-swap is given up after a bounded number of attempts", async () => {
    const memory = new MemoryStore();
    let puts = 0;
    const store: DocumentStore = {
      location: "memory",
      get: (key) => memory.get(key),
      delete: (key) => memory.delete(key),
      async put(key, _value, expected) {
        puts += 1;
        throw new RevisionConflictError(key, expected, expected + 1);
      },
    };
    await memory.put(ROLLOUT_KEY, record(), 0);
    await assert.rejects(bareRunner(store).run(), RevisionConflictError);
    assert.equal(puts, MAX_SAVE_ATTEMPTS);
  });
});
