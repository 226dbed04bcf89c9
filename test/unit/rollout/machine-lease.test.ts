/**
 * Who drives the rollout: heartbeats that keep the owner alive for other machines, a lost
 * compare-and-swap merged without losing another terminal's request, and a takeover that stops
 * the driver that went silent.
 */
import assert from "node:assert/strict";
import { next } from "../../../automation/rollout/machine";
import { HEARTBEAT_STALE_MS, ownerAlive } from "../../../automation/rollout/record";
import { at, baking, iso, kinds, OTHER, polled, record, SELF, withRequest } from "./machine-fixtures";

describe("rollout machine: heartbeat", () => {
  it("renewing every 5 s keeps the owner alive to another machine; silence past HEARTBEAT_STALE_MS does not", () => {
    let r = baking(0);
    for (let s = 5; s <= 60; s += 5) r = next(r, { type: "heartbeat-due", self: SELF }, at(s)).record;
    assert.equal(r.owner!.heartbeatAt, iso(60));
    assert.equal(ownerAlive(r.owner, at(60) + HEARTBEAT_STALE_MS - 1), true, "fresh until the stale limit");
    assert.equal(ownerAlive(r.owner, at(60) + HEARTBEAT_STALE_MS + 1), false, "a silent driver is taken for dead");
  });

  it("a heartbeat is saved only for this driver's own running record", () => {
    const table = [
      { name: "own, running", r: baking(0), self: SELF, saves: true },
      { name: "another driver's", r: baking(0), self: OTHER, saves: false },
      { name: "paused (no owner)", r: record({ status: "paused", owner: undefined }), self: SELF, saves: false },
    ];
    for (const row of table) {
      const t = next(row.r, { type: "heartbeat-due", self: row.self }, at(5));
      assert.deepEqual(kinds(t.effects), row.saves ? ["save"] : [], row.name);
    }
  });

  it("a poll renews a heartbeat older than 5 s, and writes nothing when it is fresh", () => {
    const r = baking(0);
    assert.deepEqual(kinds(next(r, polled(r, r), at(4)).effects), ["wait"]);
    const late = next(r, polled(r, r), at(6));
    assert.deepEqual(kinds(late.effects), ["save", "wait"]);
    assert.equal(late.record.owner!.heartbeatAt, iso(6));
  });
});

describe("rollout machine: the stored record moved", () => {
  it("a request written by another terminal while the driver saves is kept", () => {
    // The driver handled a promote (its record has none left); meanwhile another terminal asked to abort.
    const base = withRequest(baking(0), "promote", 3);
    const ours = { ...baking(1), request: undefined };
    const theirs = withRequest(base, "abort", 4);
    const t = next(ours, { type: "save-conflict", stored: theirs, base }, at(5));
    assert.deepEqual(t.record.request, { action: "abort", at: iso(4) });
    assert.equal(t.record.stepIndex, 1, "the driver's own progress is kept");
    assert.deepEqual(kinds(t.effects), ["save"]);
  });

  it("a request the driver already handled is not taken back in", () => {
    const base = withRequest(baking(0), "promote", 3);
    const ours = { ...baking(1), request: undefined };
    const theirs = { ...base, owner: { ...base.owner!, heartbeatAt: iso(4) } };
    const t = next(ours, { type: "save-conflict", stored: theirs, base }, at(5));
    assert.equal(t.record.request, undefined);
  });

  it("a record another driver took over (our heartbeat went stale) stops this driver, writing nothing", () => {
    const ours = baking(0);
    const takenOver = { ...ours, owner: { ...OTHER, heartbeatAt: iso(40) } };
    for (const event of [polled(ours, takenOver), { type: "save-conflict" as const, stored: takenOver, base: ours }]) {
      const t = next(ours, event, at(41));
      assert.deepEqual(t.effects, [{ type: "lease-lost", holder: "driver-b.example pid 777" }], event.type);
      assert.equal(t.record, ours);
    }
  });

  it("a record replaced by a new rollout, or paused by a command that took this driver for dead, stops it too", () => {
    const ours = baking(0);
    const replaced = next(ours, polled(ours, { ...ours, id: "r-2" }), at(41));
    assert.deepEqual(replaced.effects, [{ type: "lease-lost", holder: "rollout r-2" }]);
    const paused = next(ours, polled(ours, { ...ours, status: "paused", owner: undefined }), at(41));
    assert.deepEqual(paused.effects, [{ type: "lease-lost", holder: "a command that left it paused" }]);
  });
});
