/**
 * The rollout machine stepped one event at a time, Flagger-style: for each mid-rollout case, the
 * record and the effects an SRE would check (where traffic goes, what is saved, what ends).
 */
import assert from "node:assert/strict";
import { assessMetric, type MetricLimits } from "../../../automation/analysis/assess";
import type { Measurement, Phase } from "../../../automation/analysis/types";
import { next } from "../../../automation/rollout/machine";
import { analysisRun, at, baking, find, iso, kinds, polled, record, SELF, steps, withRequest } from "./machine-fixtures";

describe("rollout machine: analysis decides the step", () => {
  // Analysis ends 10 s into a 30-s bake; the bake ends at 30 s.
  const table: ReadonlyArray<{ phase: Phase; early: string[]; atBakeEnd?: string[]; status: string; weights?: object }> = [
    { phase: "Successful", early: ["emit:analysis", "save", "wait"], atBakeEnd: ["emit:step-started", "save", "set-weights"], status: "running", weights: { blue: 50, green: 50 } },
    { phase: "Inconclusive", early: ["emit:analysis", "save", "wait"], atBakeEnd: ["save", "emit:finished", "finish"], status: "paused" },
    { phase: "Failed", early: ["emit:analysis", "emit:rollback-started", "save", "set-weights"], status: "running", weights: { blue: 100, green: 0 } },
    { phase: "Error", early: ["emit:analysis", "emit:rollback-started", "save", "set-weights"], status: "running", weights: { blue: 100, green: 0 } },
  ];
  for (const row of table) {
    it(`${row.phase}: ${row.atBakeEnd ? "waits for the bake, then " + (row.status === "paused" ? "pauses" : "moves on") : "ends the bake at once and rolls back"}`, () => {
      const [early] = steps(baking(0), [[{ type: "analysis-result", index: 0, run: analysisRun(row.phase) }, 10]]);
      assert.deepEqual(kinds(early!.effects), row.early);
      if (!row.atBakeEnd) {
        assert.deepEqual(find(early!.effects, "set-weights")?.weights, row.weights, "traffic back on stable first");
        assert.match(early!.record.rollingBack!, new RegExp(`analysis ${row.phase.toLowerCase()} at step 1 \\(10% on green\\) — error-share`));
        return;
      }
      assert.equal(find(early!.effects, "wait")?.until, at(30), "the bake goes on to its end");
      const end = next(early!.record, { type: "tick" }, at(30));
      assert.deepEqual(kinds(end.effects), row.atBakeEnd);
      assert.equal(end.record.status, row.status);
      if (row.weights) assert.deepEqual(find(end.effects, "set-weights")?.weights, row.weights);
      if (row.status === "paused") {
        assert.match(end.record.statusReason!, /analysis inconclusive at step 1 — error-share: Inconclusive; run promote, resume or abort/);
        assert.equal(end.record.owner, undefined, "a paused rollout has no driver");
        assert.deepEqual(end.record.weights, { blue: 90, green: 10 }, "traffic stays where it was");
      }
    });
  }

  it("a bake that is over waits for its analysis, polling meanwhile", () => {
    const t = next(baking(0), { type: "tick" }, at(31));
    assert.deepEqual(kinds(t.effects), ["emit:baking", "poll"]);
    const waited = next(t.record, polled(t.record, t.record), at(31));
    assert.deepEqual(waited.effects.at(-1), { type: "wait" }, "no deadline: the analysis result or the next poll ends it");
  });

  // Limits as in Argo Rollouts: the run's phase already counts them, the machine follows the phase.
  const m = (phase: Phase): Measurement => ({ phase, startedAt: iso(0), finishedAt: iso(1) });
  const limits = (over: Partial<MetricLimits>): MetricLimits => ({ count: 3, failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4, ...over });
  const limitTable: ReadonlyArray<{ name: string; limits: MetricLimits; measured: Phase[]; rollsBack: boolean }> = [
    { name: "one failure within failureLimit 1", limits: limits({ failureLimit: 1 }), measured: ["Successful", "Failed", "Successful"], rollsBack: false },
    { name: "one failure over failureLimit 0", limits: limits({}), measured: ["Successful", "Failed", "Successful"], rollsBack: true },
    { name: "four errors in a row within consecutiveErrorLimit 4", limits: limits({}), measured: ["Error", "Error", "Error", "Error", "Successful", "Successful", "Successful"], rollsBack: false },
    { name: "five errors in a row over consecutiveErrorLimit 4", limits: limits({}), measured: ["Error", "Error", "Error", "Error", "Error"], rollsBack: true },
  ];
  for (const row of limitTable) {
    it(`limits: ${row.name} ${row.rollsBack ? "rolls back" : "moves on"}`, () => {
      const phase = assessMetric(row.limits, row.measured.map(m));
      const t = steps(baking(0), [
        [{ type: "analysis-result", index: 0, run: analysisRun(phase) }, 10],
        [{ type: "tick" }, 30],
      ]);
      const last = t.at(-1)!;
      assert.equal(Boolean(t[0]!.record.rollingBack), row.rollsBack);
      if (!row.rollsBack) assert.equal(last.record.stepIndex, 1);
    });
  }

  it("a result of an analysis that was cancelled changes nothing", () => {
    const r = record({ stepIndex: 1, steps: [{ phase: "done" }, { phase: "baking", bakeStartedAt: iso(0) }] });
    const t = next(r, { type: "analysis-result", index: 0, run: analysisRun("Failed") }, at(5));
    assert.equal(t.record.rollingBack, undefined);
    assert.deepEqual(kinds(t.effects), ["wait"]);
  });
});

describe("rollout machine: requests from another terminal mid-bake", () => {
  const mid = baking(1, 0);
  const request = (action: Parameters<typeof withRequest>[1]) => next(mid, polled(mid, withRequest(mid, action)), at(12));

  it("promote skips the rest of the bake: the analysis is cancelled and the next step shifts", () => {
    const t = request("promote");
    assert.deepEqual(kinds(t.effects), ["emit:request", "cancel-analysis", "emit:step-started", "save", "set-weights"]);
    assert.deepEqual(find(t.effects, "set-weights")?.weights, { blue: 0, green: 100 });
    assert.equal(t.record.steps[1]!.phase, "done");
    assert.equal(t.record.stepIndex, 2);
    assert.equal(t.record.request, undefined, "the request is handled once");
  });

  it("promote-full jumps to the last step, which still bakes and analyses", () => {
    const start = baking(0, 0);
    const [jump, shifted] = steps(start, [
      [polled(start, withRequest(start, "promote-full")), 3],
      [{ type: "weights-applied", weights: { blue: 0, green: 100 }, verified: true, ms: 800 }, 5],
    ]);
    assert.equal(jump!.record.stepIndex, 2);
    assert.deepEqual(find(jump!.effects, "set-weights")?.weights, { blue: 0, green: 100 });
    assert.deepEqual(kinds(shifted!.effects), ["emit:weights-applied", "save", "start-analysis", "emit:baking", "poll"]);
    assert.equal(shifted!.record.steps[2]!.bakeStartedAt, iso(5));
  });

  it("pause cancels the analysis and stops, traffic where it is", () => {
    const t = request("pause");
    assert.deepEqual(kinds(t.effects), ["emit:request", "cancel-analysis", "save", "emit:finished", "finish"]);
    assert.equal(t.record.status, "paused");
    assert.equal(t.record.statusReason, "paused by request");
    assert.equal(find(t.effects, "set-weights"), undefined);
    assert.equal(t.record.owner, undefined);
  });

  it("abort cancels the analysis, moves traffic to stable first, then restores the prior release, then records", () => {
    const [abort, restored, prior, recorded] = steps(mid, [
      [polled(mid, withRequest(mid, "abort")), 12],
      [{ type: "weights-applied", weights: { blue: 100, green: 0 }, verified: true, ms: 900 }, 14],
      [{ type: "prior-restored" }, 40],
      [{ type: "recorded" }, 41],
    ]);
    assert.deepEqual(kinds(abort!.effects), ["emit:request", "cancel-analysis", "emit:rollback-started", "save", "set-weights"]);
    assert.deepEqual(find(abort!.effects, "set-weights")?.weights, { blue: 100, green: 0 });
    assert.deepEqual(abort!.record.rollbackTriggers, ["aborted by request"]);
    assert.deepEqual(kinds(restored!.effects), ["save", "emit:rollback-traffic-restored", "restore-prior"]);
    assert.equal(restored!.record.stableRestoredAt, iso(14));
    assert.deepEqual(kinds(prior!.effects), ["save", "record-finished"]);
    assert.equal(prior!.record.status, "rolled-back");
    assert.equal(prior!.record.rollingBack, undefined);
    assert.deepEqual(recorded!.effects.at(-1), { type: "finish", outcome: "rolled-back" });
  });

  it("resume while running is acknowledged and the bake goes on", () => {
    const t = request("resume");
    assert.deepEqual(kinds(t.effects), ["save", "emit:request", "wait"]);
    assert.equal(t.record.status, "running");
  });
});

describe("rollout machine: blue-green hold before scale-down", () => {
  const held = record({ stepIndex: 3, steps: [{ phase: "done" }, { phase: "done" }, { phase: "done" }], weights: { blue: 0, green: 100 }, scaleDownAfterSeconds: 60, holdStartedAt: iso(0) });

  it("an abort during the hold switches back without scaling down", () => {
    const t = next(held, polled(held, withRequest(held, "abort")), at(20));
    assert.equal(find(t.effects, "scale-down"), undefined);
    assert.deepEqual(find(t.effects, "set-weights")?.weights, { blue: 100, green: 0 });
    assert.equal(t.record.rollingBack, "aborted by request during the hold before scale-down");
  });

  it("promote ends the hold early; otherwise the old slot is scaled down when the hold is over", () => {
    assert.deepEqual(kinds(next(held, polled(held, withRequest(held, "promote")), at(20)).effects), ["save", "emit:request", "scale-down"]);
    assert.deepEqual(kinds(next(held, { type: "tick" }, at(59)).effects), ["emit:holding", "poll"]);
    const [down, scaled] = steps(held, [
      [{ type: "tick" }, 60],
      [{ type: "scaled-down" }, 90],
    ]);
    assert.deepEqual(find(down!.effects, "scale-down")?.slot, "blue");
    assert.equal(scaled!.record.status, "succeeded");
    assert.equal(scaled!.record.scaledDownAt, iso(90), "a resumed driver does not scale down again");
  });
});

describe("rollout machine: starting and resuming", () => {
  it("a new rollout prepares the canary slot first, then shifts step 1", () => {
    const [start, prepared] = steps(record({ prepared: false, owner: undefined }), [
      [{ type: "started", self: SELF }, 0],
      [{ type: "prepared" }, 60],
    ]);
    assert.deepEqual(kinds(start!.effects), ["save", "emit:preparing", "prepare"]);
    assert.deepEqual(start!.record.owner, { ...SELF, heartbeatAt: iso(0) });
    assert.deepEqual(find(prepared!.effects, "set-weights")?.weights, { blue: 90, green: 10 });
  });

  it("resumes a record left mid-shift by shifting that step again", () => {
    const r = record({ stepIndex: 1, steps: [{ phase: "done" }, { phase: "shifting", startedAt: iso(-5) }], owner: undefined, weights: { blue: 90, green: 10 } });
    const t = next(r, { type: "started", self: SELF }, at(0));
    assert.deepEqual(find(t.effects, "set-weights")?.weights, { blue: 50, green: 50 });
    assert.equal(t.record.steps[1]!.startedAt, iso(-5));
  });

  it("resumes a record left mid-bake by an older driver: the bake keeps its clock, the step is analysed again", () => {
    // The format the previous runner wrote: no analysisPending, a finished analysis already there.
    const r = record({ stepIndex: 1, steps: [{ phase: "done" }, { phase: "baking", bakeStartedAt: iso(-20), analysis: analysisRun("Successful") }] });
    const t = next(r, { type: "started", self: SELF }, at(0));
    assert.deepEqual(kinds(t.effects), ["start-analysis", "save", "emit:baking", "poll"]);
    assert.deepEqual(find(t.effects, "emit"), { type: "emit", event: { type: "baking", index: 1, remainingMs: 10_000 } });
    const over = next(t.record, { type: "tick" }, at(15));
    assert.deepEqual(kinds(over.effects), ["emit:baking", "poll"], "the bake is over, but not before the new analysis answers");
  });

  it("resumes a record left mid-rollback by finishing the rollback first, with its first trigger", () => {
    const r = record({
      stepIndex: 1,
      steps: [{ phase: "done" }, { phase: "baking", bakeStartedAt: iso(-20) }],
      weights: { blue: 50, green: 50 },
      rollingBack: "analysis failed at step 2",
      rollbackTriggers: ["analysis failed at step 2"],
      rollbackStartedAt: iso(-3),
      owner: undefined,
    });
    const t = next(r, { type: "started", self: SELF }, at(0));
    assert.deepEqual(kinds(t.effects), ["emit:rollback-started", "save", "set-weights"]);
    assert.deepEqual(find(t.effects, "set-weights")?.weights, { blue: 100, green: 0 });
    assert.deepEqual(t.record.rollbackTriggers, ["analysis failed at step 2"]);
    assert.equal(t.record.rollbackStartedAt, iso(-3), "time to restore counts from the first detection");
  });

  it("a rollback release applies its exact config before the record says succeeded", () => {
    const r = record({ stepIndex: 2, steps: [{ phase: "done" }, { phase: "done" }, { phase: "baking", bakeStartedAt: iso(0) }], finalConfig: { active: "green" } });
    const [end, applied] = steps(r, [
      [{ type: "tick" }, 30],
      [{ type: "final-config-applied" }, 50],
    ]);
    assert.deepEqual(find(end!.effects, "apply-final-config")?.config, { active: "green" });
    assert.equal(end!.record.status, "running");
    assert.deepEqual(kinds(applied!.effects), ["save", "record-finished"]);
    assert.equal(applied!.record.status, "succeeded");
  });

  it("an engine update that fails stops the run with its error, the record unchanged", () => {
    const r = baking(0);
    const error = new Error("update failed");
    const t = next(r, { type: "effect-failed", effect: "set-weights", error }, at(3));
    assert.deepEqual(t.effects, [{ type: "cancel-analysis" }, { type: "fail", error }]);
    assert.equal(t.record, r);
  });
});
