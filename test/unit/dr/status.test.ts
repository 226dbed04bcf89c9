/** The regional part of the driver's status: what an engine run applies after each kind of move. */
import assert from "node:assert/strict";
import { newRegionMove, type RegionMoveRecord } from "../../../automation/dr/record";
import { filePrimaryOf, regionStatusOf } from "../../../automation/dr/status";

const base = newRegionMove({ kind: "failover", stack: "s", from: "east", to: "west", home: "east", plan: [100], bakeMs: 1000, promoteData: true, weights: { east: 100, west: 0 }, trigger: "command" });
const rec = (changes: Partial<RegionMoveRecord>): RegionMoveRecord => ({ ...base, ...changes });

describe("regional driver status", () => {
  const table: ReadonlyArray<{ name: string; record: RegionMoveRecord | undefined; file: string; want: object }> = [
    { name: "no move: nothing", record: undefined, file: "east", want: {} },
    { name: "in flight: its weights", record: rec({ weights: { east: 50, west: 50 } }), file: "east", want: { regions: { east: 50, west: 50 } } },
    { name: "failover done, file still east: west serves and holds the data", record: rec({ status: "succeeded", weights: { east: 0, west: 100 }, dataPromotedAt: "x" }), file: "east", want: { regions: { east: 0, west: 100 }, dataPrimary: "west" } },
    { name: "failover done, file now names west: the file alone", record: rec({ status: "succeeded", dataPromotedAt: "x" }), file: "west", want: {} },
    { name: "failover refused: as before", record: rec({ status: "refused" }), file: "east", want: {} },
    { name: "failover rolled back: as before", record: rec({ status: "rolled-back" }), file: "east", want: {} },
    {
      name: "drill on a failed-over stack: it keeps the failover's status",
      record: rec({ kind: "drill", from: "west", to: "east", status: "succeeded", baseDataPrimary: "west" }),
      file: "east",
      want: { regions: { west: 100, east: 0 }, dataPrimary: "west" },
    },
    { name: "failback done: the file's primary again", record: rec({ kind: "failback", from: "west", to: "east", status: "succeeded", dataPromotedAt: "x" }), file: "east", want: {} },
    { name: "failed mid-way: what it last applied", record: rec({ status: "failed", weights: { east: 50, west: 50 } }), file: "east", want: { regions: { east: 50, west: 50 } } },
  ];
  for (const row of table) {
    it(row.name, () => assert.deepEqual(regionStatusOf(row.record, row.file), row.want));
  }

  it("the file's primary is switchyard:dr.primary, else the home region", () => {
    assert.equal(filePrimaryOf({ dr: { primary: "west" } }, { home: "east" }), "west");
    assert.equal(filePrimaryOf({}, { home: "east" }), "east");
  });
});
