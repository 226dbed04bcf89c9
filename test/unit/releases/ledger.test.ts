import assert from "node:assert/strict";
import { appendEntry, readLedger, type LedgerEntry } from "../../../automation/releases/ledger";
import { finishedOf } from "../../../automation/releases/releases";
import type { RolloutRecord } from "../../../automation/rollout/record";
import { MemoryStore } from "../../support/memory-store";


const entry = (deploymentId?: string): Omit<LedgerEntry, "id" | "number"> => ({
  kind: "rollout",
  outcome: "succeeded",
  deploymentId,
  update: { startTime: "2026-11-29T10:00:00.000Z" },
  config: {},
  startedAt: "2026-11-29T10:00:00.000Z",
  finishedAt: "2026-11-29T10:01:00.000Z",
  user: "tester",
});

describe("ledger", () => {
  it("appends one entry per deployment id, however often it is asked (driver and a later command both may)", async () => {
    const store = new MemoryStore();
    const first = await appendEntry(store, entry("r-1"));
    const again = await appendEntry(store, { ...entry("r-1"), finishedAt: "2026-11-29T11:00:00.000Z" });
    assert.deepEqual(again, first);
    const other = await appendEntry(store, entry("r-2"));
    assert.equal(other.id, "rel-2");
    assert.deepEqual((await readLedger(store)).map((e) => e.deploymentId), ["r-1", "r-2"]);
  });

  it("entries without a deployment id (plain deploys) are each appended", async () => {
    const store = new MemoryStore();
    await appendEntry(store, entry());
    await appendEntry(store, entry());
    assert.equal((await readLedger(store)).length, 2);
  });

  it("a finished record becomes the entry its kind, outcome and restore time say", () => {
    const base = { id: "rb-1", startedAt: "2026-11-29T10:00:00.000Z", finishedAt: "2026-11-29T10:02:00.000Z" } as RolloutRecord;
    const table: Array<[Partial<RolloutRecord>, Partial<ReturnType<typeof finishedOf>>]> = [
      [{ kind: "rollback", status: "succeeded", restoresRelease: "rel-1" }, { kind: "rollback", outcome: "succeeded", restoredRelease: "rel-1" }],
      [{ status: "succeeded" }, { kind: "rollout", outcome: "succeeded", restoredRelease: undefined }],
      [
        { status: "rolled-back", rollbackStartedAt: "2026-11-29T10:01:00.000Z", stableRestoredAt: "2026-11-29T10:01:04.500Z" },
        { kind: "rollout", outcome: "rolled-back", restoreSeconds: 4.5 },
      ],
    ];
    for (const [record, expected] of table) {
      const finished = finishedOf({ ...base, ...record });
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(finished[key as keyof typeof finished], value, `${JSON.stringify(record)}: ${key}`);
      assert.equal(finished.deploymentId, "rb-1");
      assert.equal(finished.finishedAt, Date.parse("2026-11-29T10:02:00.000Z"));
    }
  });
});
