/** How the program applies the driver's status over the stack file's intent. */
import assert from "node:assert/strict";
import { effectiveVersions, effectiveWeights, scaledDownSlot, ScaledDownUnderTrafficError, withRelease } from "../../../model/driver-status";
import { legacyDriverKeys } from "../../../model/config/stack";

describe("the program's view of intent plus the driver's status", () => {
  it("puts all traffic on active without a status: a plain engine run from the file keeps the steady state", () => {
    assert.deepEqual(effectiveWeights({ active: "green" }, undefined), { blue: 0, green: 100 });
  });
  it("ignores a file's traffic beside active (an earlier Switchyard wrote it) and takes weights in flight from the status", () => {
    assert.deepEqual(effectiveWeights({ active: "green", traffic: { blue: 90, green: 10 } }, undefined), { blue: 0, green: 100 });
    assert.deepEqual(effectiveWeights({ active: "green" }, { weights: { blue: 60, green: 40 } }), { blue: 60, green: 40 });
  });
  it("applies weights as written when there is no active", () => {
    assert.deepEqual(effectiveWeights({ traffic: { blue: 70, green: 30 } }, undefined), { blue: 70, green: 30 });
  });
  it("replaces the release keys with a re-applied release, keeping everything else of the file", () => {
    const file = { target: "local", slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", rollout: { strategy: "canary" } };
    const merged = withRelease(file, { release: { slots: { blue: { version: "1" }, green: { version: "0.9" } }, active: "blue" } });
    assert.deepEqual(merged, { target: "local", slots: { blue: { version: "1" }, green: { version: "0.9" } }, active: "blue", rollout: { strategy: "canary" } });
    assert.deepEqual(effectiveVersions({ blue: { version: "1" }, green: { version: "2" } }, { release: { slots: { green: { version: "0.9" } } } }), { blue: "1", green: "0.9" });
  });
  it("scales a slot down only while it takes no traffic, and refuses weight on zero capacity", () => {
    assert.equal(scaledDownSlot({ blue: 0, green: 100 }, { scaledDown: "blue" }), "blue");
    assert.throws(() => scaledDownSlot({ blue: 10, green: 90 }, { scaledDown: "blue" }), (error: unknown) => error instanceof ScaledDownUnderTrafficError && /blue slot is scaled down but would take 10%/.test(error.message));
  });
  it("names the keys an earlier Switchyard wrote into the file", () => {
    assert.deepEqual(legacyDriverKeys({ active: "green", traffic: { blue: 0, green: 100 }, slots: { blue: { version: "1", scaledDown: true }, green: { version: "2" } } }), [
      "switchyard:traffic",
      "switchyard:slots.blue.scaledDown",
    ]);
    assert.deepEqual(legacyDriverKeys({ traffic: { blue: 50, green: 50 }, slots: {} }), []);
  });
});
