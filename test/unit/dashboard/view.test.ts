import { strict as assert } from "node:assert";
import { allowedActions, commandLineOf, metricsHistory, rolloutView } from "../../../automation/dashboard/view";
import type { LedgerEntry } from "../../../automation/releases/ledger";
import { at, baking, iso, record } from "../rollout/machine-fixtures";

describe("dashboard view of a stack's records", () => {
  it("buttons are the control commands that apply: pause while running, resume while paused; none when finished or rolling back", () => {
    assert.deepEqual(allowedActions(baking(0)), ["pause", "promote", "promote-full", "abort"]);
    assert.deepEqual(allowedActions(record({ status: "paused" })), ["resume", "promote", "promote-full", "abort"]);
    assert.deepEqual(allowedActions(record({ status: "succeeded" })), []);
    assert.deepEqual(allowedActions(record({ status: "rolled-back" })), []);
    assert.deepEqual(allowedActions(baking(1, 0, { rollingBack: "error-share failed" })), []);
    assert.deepEqual(allowedActions(undefined), []);
  });

  it("a button runs what a person would type", () => {
    assert.deepEqual(commandLineOf("promote-full", "prod"), ["promote", "--full", "--stack", "prod"]);
    assert.deepEqual(commandLineOf("pause", "local"), ["pause", "--stack", "local"]);
  });

  it("a baking step shows its number, the bake's remaining seconds and the driver", () => {
    const view = rolloutView(baking(1, 0), {}, at(12));
    assert.equal(view.step, 2);
    assert.equal(view.steps, 3);
    assert.equal(view.phase, "baking");
    assert.equal(view.bakeRemaining, 18);
    assert.equal(view.driver, "driver-a.example pid 4242");
    assert.equal(view.active, true);
    assert.deepEqual(view.weights, { blue: 50, green: 50 });
  });

  it("a rollback in flight reads 'rolling back' and offers no button", () => {
    const view = rolloutView(baking(1, 0, { rollingBack: "analysis failed", rollbackStartedAt: iso(5) }), {}, at(6));
    assert.equal(view.status, "rolling back");
    assert.deepEqual(view.actions, []);
  });

  it("DORA over time: one 7-day window per week, oldest first, each counting its own deployments", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    const entry = (n: number, daysAgo: number, outcome: LedgerEntry["outcome"] = "succeeded"): LedgerEntry => {
      const t = new Date(now - daysAgo * 86_400_000).toISOString();
      return { id: `rel-${n}`, number: n, kind: "rollout", outcome, update: { startTime: t, endTime: t }, config: {}, startedAt: t, finishedAt: t, user: "ci" };
    };
    const weekly = metricsHistory([entry(1, 20), entry(2, 10, "rolled-back"), entry(3, 2), entry(4, 1)], [], now, 4);
    assert.deepEqual(
      weekly.map((w) => w.deployments),
      [0, 1, 1, 2],
    );
    assert.equal(weekly[2]!.change_failure_rate, 1);
    assert.equal(weekly[3]!.change_failure_rate, 0);
    assert.equal(weekly[3]!.until, "2026-12-06");
  });
});
