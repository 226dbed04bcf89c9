/**
 * The regional move stepped one event at a time: for each case, where traffic goes, what is
 * saved, and how the move ends, as an SRE would check it.
 */
import assert from "node:assert/strict";
import type { AnalysisRun, Phase } from "../../../automation/analysis/types";
import { next, resumeEffects, weightsAt, type RegionMoveEvent, type RegionTransition } from "../../../automation/dr/machine";
import { newRegionMove, rtoSeconds, type RegionMoveKind, type RegionMoveRecord } from "../../../automation/dr/record";

const T0 = Date.parse("2026-12-06T10:00:00Z");
const run = (phase: Phase): AnalysisRun => ({ phase, metrics: [{ name: "smoke", phase, measurements: [], message: phase === "Successful" ? "3 successful" : "status 503" }], startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0).toISOString() });

function move(kind: RegionMoveKind, plan: number[], extra: Partial<RegionMoveRecord> = {}): RegionMoveRecord {
  return { ...newRegionMove({ kind, stack: "local-dr", from: "east", to: "west", home: "east", plan, bakeMs: 1000, promoteData: kind !== "drill", weights: { east: 100, west: 0 }, trigger: "command" }, new Date(T0)), ...extra };
}

/** Feeds events in order, one second apart; returns every transition. */
function drive(record: RegionMoveRecord, events: RegionMoveEvent[]): RegionTransition[] {
  const out: RegionTransition[] = [];
  let current = record;
  events.forEach((event, i) => {
    const t = next(current, event, T0 + (i + 1) * 1000);
    out.push(t);
    current = t.record;
  });
  return out;
}

const applied = (east: number, west: number): RegionMoveEvent => ({ type: "applied", weights: { east, west }, verified: true });
const kinds = (t: RegionTransition) => t.effects.map((e) => (e.type === "apply" ? `apply ${JSON.stringify(e.weights)}` : e.type === "analyse" ? `analyse ${e.region} ${e.purpose}` : e.type));

describe("regional move machine", () => {
  it("failover at once: checks the standby before anything moves, moves, analyses, then promotes data; RTO until it served all", () => {
    const ts = drive(move("failover", [100]), [{ type: "started" }, { type: "analysed", run: run("Successful") }, applied(0, 100), { type: "analysed", run: run("Successful") }, { type: "data-promoted" }]);
    assert.deepEqual(ts.map(kinds), [
      ["save", "analyse west precheck"],
      ["save", 'apply {"east":0,"west":100}'],
      ["save", "analyse west step"],
      ["save", "promote-data"],
      ["save", "finish"],
    ]);
    const end = ts.at(-1)!.record;
    assert.equal(end.status, "succeeded");
    assert.deepEqual(end.weights, { east: 0, west: 100 });
    assert.equal(end.servesAllAt, new Date(T0 + 3000).toISOString(), "serving all once the data plane showed 100%");
    assert.equal(rtoSeconds(end), 3);
    assert.ok(end.dataPromotedAt && Date.parse(end.dataPromotedAt) > Date.parse(end.servesAllAt!), "data is promoted after traffic moved");
  });

  it("an unhealthy standby is refused before anything moves", () => {
    const ts = drive(move("failover", [100]), [{ type: "started" }, { type: "analysed", run: run("Failed") }]);
    assert.deepEqual(kinds(ts[1]!), ["save", "finish"]);
    const end = ts[1]!.record;
    assert.equal(end.status, "refused");
    assert.match(end.statusReason!, /west is not healthy, so no traffic moved: smoke: status 503/);
    assert.deepEqual(end.weights, { east: 100, west: 0 });
    assert.equal(end.steps.length, 0);
  });

  it("a stepped failover whose standby fails at 50% sends traffic back to the primary", () => {
    const ts = drive(move("failover", [50, 100]), [{ type: "started" }, { type: "analysed", run: run("Successful") }, applied(50, 50), { type: "analysed", run: run("Failed") }, applied(100, 0)]);
    assert.deepEqual(kinds(ts[3]!), ["save", 'apply {"east":100,"west":0}']);
    const end = ts.at(-1)!.record;
    assert.equal(end.status, "rolled-back");
    assert.match(end.statusReason!, /west failed its analysis at 50%/);
    assert.deepEqual(end.weights, { east: 100, west: 0 });
    assert.equal(end.servesAllAt, undefined);
  });

  it("a failover the watch started is not sent back to the failing primary", () => {
    const ts = drive(move("failover", [50, 100], { trigger: "watch" }), [{ type: "started" }, { type: "analysed", run: run("Successful") }, applied(50, 50), { type: "analysed", run: run("Failed") }]);
    const end = ts.at(-1)!.record;
    assert.equal(end.status, "failed");
    assert.deepEqual(kinds(ts.at(-1)!), ["save", "finish"]);
    assert.match(end.statusReason!, /traffic left where it is, as east was failing too/);
  });

  it("a drill shifts its share, analyses, and returns: it ends where it began, and never promotes data", () => {
    const ts = drive(move("drill", [30, 0]), [{ type: "started" }, { type: "analysed", run: run("Successful") }, applied(70, 30), { type: "analysed", run: run("Successful") }, applied(100, 0)]);
    assert.deepEqual(ts.flatMap(kinds).filter((k) => k.startsWith("apply")), ['apply {"east":70,"west":30}', 'apply {"east":100,"west":0}']);
    assert.ok(!ts.flatMap(kinds).includes("promote-data"));
    const end = ts.at(-1)!.record;
    assert.equal(end.status, "succeeded");
    assert.deepEqual(end.weights, { east: 100, west: 0 });
  });

  it("a failed engine update stops the move with the error, recorded", () => {
    const error = new Error("engine exploded");
    const ts = drive(move("failover", [100]), [{ type: "started" }, { type: "analysed", run: run("Successful") }, { type: "effect-failed", effect: "apply", error }]);
    assert.deepEqual(kinds(ts[2]!), ["save", "fail"]);
    assert.equal(ts[2]!.record.status, "failed");
    assert.match(ts[2]!.record.statusReason!, /apply failed: engine exploded/);
  });

  it("a driver that takes over goes on from the record's phase", () => {
    const shifting = { ...move("failover", [50, 100]), phase: "shifting" as const, stepIndex: 1 };
    assert.deepEqual(resumeEffects(shifting), [{ type: "apply", weights: { east: 0, west: 100 } }]);
    assert.deepEqual(resumeEffects({ ...shifting, phase: "promoting" }), [{ type: "promote-data", region: "west" }]);
    assert.deepEqual(resumeEffects({ ...shifting, phase: "returning" }), [{ type: "apply", weights: { east: 100, west: 0 } }]);
  });

  it("refuses events after the move ended", () => {
    const ended = { ...move("failover", [100]), status: "succeeded" as const, phase: "done" as const };
    assert.throws(() => next(ended, { type: "data-promoted" }, T0), /does not apply/);
  });

  it("weightsAt gives the destination its share and the rest to the region it leaves", () => {
    assert.deepEqual(weightsAt({ from: "east", to: "west" }, 30), { east: 70, west: 30 });
  });
});
