/**
 * The driver's status for an engine run, from the rollout record in the backend and the release
 * the stack file asks for: what the engine applies on top of the file, case by case.
 */
import assert from "node:assert/strict";
import { driverStatusOf, heldBack, releaseIntentOf, sameIntent } from "../../../automation/rollout/driver-status";
import type { RolloutRecord } from "../../../automation/rollout/record";

const v1 = { slots: { blue: { version: "1.0.0" }, green: { version: "0.9.0" } }, active: "blue" };
const v2 = { slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } }, active: "green" };
const prior = { ...v1, traffic: { blue: 100, green: 0 } };

function record(overrides: Partial<RolloutRecord>): RolloutRecord {
  return {
    id: "r-1",
    stack: "s",
    service: "hello",
    strategy: "canary",
    stableSlot: "blue",
    canarySlot: "green",
    stableVersion: "1.0.0",
    canaryVersion: "2.0.0",
    plan: [{ kind: "shift", weight: 10, bakeSeconds: 1, analysis: false }],
    prepared: true,
    stepIndex: 0,
    steps: [],
    weights: { blue: 90, green: 10 },
    status: "running",
    priorConfig: prior,
    rollbackTriggers: [],
    startedAt: "2026-12-05T00:00:00Z",
    updatedAt: "2026-12-05T00:00:00Z",
    intent: v2,
    ...overrides,
  };
}

describe("the driver's status for an engine run", () => {
  const cases: { name: string; record?: RolloutRecord; file: object; want: unknown }[] = [
    { name: "no rollout ever: the file alone", record: undefined, file: v1, want: undefined },
    {
      name: "a rollout in flight: its weights and its release, whatever this checkout's file says",
      record: record({}),
      file: v1,
      want: { rollout: "r-1", weights: { blue: 90, green: 10 }, release: v2 },
    },
    {
      name: "a paused rollout keeps its weights",
      record: record({ status: "paused", weights: { blue: 50, green: 50 } }),
      file: v2,
      want: { rollout: "r-1", weights: { blue: 50, green: 50 }, release: v2 },
    },
    {
      name: "rolling back, traffic not yet on stable: the rollout's release at its weights",
      record: record({ rollingBack: "analysis failed", weights: { blue: 90, green: 10 } }),
      file: v2,
      want: { rollout: "r-1", weights: { blue: 90, green: 10 }, release: v2 },
    },
    {
      name: "rolling back, traffic on stable: the prior release",
      record: record({ rollingBack: "analysis failed", weights: { blue: 100, green: 0 }, stableRestoredAt: "2026-12-05T00:01:00Z" }),
      file: v2,
      want: { rollout: "r-1", weights: { blue: 100, green: 0 }, release: prior },
    },
    {
      name: "rolled back, the file unchanged: the prior release stays in service",
      record: record({ status: "rolled-back", weights: { blue: 100, green: 0 } }),
      file: v2,
      want: { rollout: "r-1", release: prior },
    },
    {
      name: "rolled back, then people changed the file: the file alone",
      record: record({ status: "rolled-back" }),
      file: { ...v2, slots: { ...v2.slots, green: { version: "2.0.1" } } },
      want: undefined,
    },
    {
      name: "a blue-green switch finished: the old slot stays scaled down",
      record: record({ status: "succeeded", strategy: "blue-green", scaleDownAfterSeconds: 30, weights: { blue: 0, green: 100 } }),
      file: v2,
      want: { rollout: "r-1", scaledDown: "blue" },
    },
    {
      name: "a blue-green switch killed after its scale-down, before success: the resumed run keeps the old slot down",
      record: record({ strategy: "blue-green", scaleDownAfterSeconds: 30, weights: { blue: 0, green: 100 }, stepIndex: 1, scaledDownAt: "2026-12-05T00:02:00Z" }),
      file: v2,
      want: { rollout: "r-1", weights: { blue: 0, green: 100 }, release: v2, scaledDown: "blue" },
    },
    {
      name: "a blue-green switch finished, then the idle slot got a new version: it comes back",
      record: record({ status: "succeeded", strategy: "blue-green", scaleDownAfterSeconds: 30 }),
      file: { ...v2, slots: { ...v2.slots, blue: { version: "2.1.0" } } },
      want: undefined,
    },
    {
      name: "a canary finished: nothing to add",
      record: record({ status: "succeeded", weights: { blue: 0, green: 100 } }),
      file: v2,
      want: undefined,
    },
    {
      name: "a rollback finished: the release it restored, while the file asks for what it left",
      record: record({ kind: "rollback", status: "succeeded", finalConfig: prior, intent: v2 }),
      file: v2,
      want: { rollout: "r-1", release: prior },
    },
    {
      name: "a record from before intents were kept, finished with a scale-down: matched by the canary's version",
      record: record({ intent: undefined, status: "succeeded", scaleDownAfterSeconds: 30 }),
      file: { slots: { blue: { version: "1.0.0", scaledDown: true }, green: { version: "2.0.0" } }, active: "green" },
      want: { rollout: "r-1", scaledDown: "blue" },
    },
    {
      name: "a record from before intents were kept, rolled back: its driver wrote the prior release into the file",
      record: record({ intent: undefined, status: "rolled-back" }),
      file: v2,
      want: undefined,
    },
    {
      name: "a record from before intents were kept, in flight: its weights over the file",
      record: record({ intent: undefined }),
      file: v2,
      want: { rollout: "r-1", weights: { blue: 90, green: 10 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(driverStatusOf(c.record, releaseIntentOf(c.file as Record<string, unknown>)), c.want));
  }
});

describe("a release held back after a rollback", () => {
  it("is the rolled-back release while the file still asks for it", () => {
    assert.equal(heldBack(record({ status: "rolled-back" }), v2)?.id, "r-1");
  });
  it("is the release a rollback left, while the file still asks for it", () => {
    assert.equal(heldBack(record({ kind: "rollback", status: "succeeded" }), v2)?.id, "r-1");
  });
  it("is nothing once the file asks for something else, after a success, or while a rollout runs", () => {
    assert.equal(heldBack(record({ status: "rolled-back" }), v1), undefined);
    assert.equal(heldBack(record({ status: "succeeded" }), v2), undefined);
    assert.equal(heldBack(record({}), v2), undefined);
  });
});

describe("whether the file asks for the same release", () => {
  it("ignores key order and the retired scaledDown flag, and sees any slot setting", () => {
    assert.ok(sameIntent({ active: "green", slots: { green: { version: "2", failureRate: 0 }, blue: { version: "1" } } }, { slots: { blue: { version: "1", scaledDown: true }, green: { failureRate: 0, version: "2" } }, active: "green" }));
    assert.ok(!sameIntent(v2, { ...v2, slots: { ...v2.slots, green: { version: "2.0.0", failureRate: 0.5 } } }));
    assert.ok(!sameIntent(v2, { ...v2, active: "blue" }));
  });
});
