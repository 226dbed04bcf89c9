/** Delivery metrics from the ledger and the failovers: what an SRE reads in `switchyard metrics`. */
import assert from "node:assert/strict";
import { deliveryMetrics } from "../../../automation/releases/metrics";
import type { LedgerEntry } from "../../../automation/releases/ledger";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const DAY = 86_400_000;
const entry = (n: number, changes: Partial<LedgerEntry>): LedgerEntry => ({ id: `rel-${n}`, number: n, kind: "rollout", outcome: "succeeded", finishedAt: new Date(NOW - DAY).toISOString(), ...changes }) as LedgerEntry;

describe("delivery metrics", () => {
  it("time to restore counts failed releases and failovers; failovers are not deployments", () => {
    const entries = [entry(1, {}), entry(2, { outcome: "rolled-back", restoreSeconds: 20 })];
    const failovers = [
      { id: "fo-1", kind: "failover" as const, finishedAt: new Date(NOW - 2 * DAY).toISOString(), restoreSeconds: 6 },
      { id: "fo-2", kind: "failover" as const, finishedAt: new Date(NOW - 3 * DAY).toISOString(), restoreSeconds: 8 },
      { id: "fo-old", kind: "failover" as const, finishedAt: new Date(NOW - 60 * DAY).toISOString(), restoreSeconds: 900 },
    ];
    const m = deliveryMetrics(entries, 30 * DAY, NOW, failovers);
    assert.equal(m.deployments, 2);
    assert.equal(m.change_failure_rate, 0.5);
    assert.equal(m.time_to_restore_seconds, 8, "median of 20, 6 and 8; the one outside the window left out");
  });
  it("without failovers it is the failed releases' alone", () => {
    assert.equal(deliveryMetrics([entry(1, { outcome: "rolled-back", restoreSeconds: 12 })], 30 * DAY, NOW).time_to_restore_seconds, 12);
  });
});
