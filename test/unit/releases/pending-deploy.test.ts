/** What the engine's newest update says about a plain deploy whose driver died: record it, or drop the mark. */
import assert from "node:assert/strict";
import { verdictOf, type PendingDeploy } from "../../../automation/releases/pending-deploy";

const pending: PendingDeploy = { id: "d-1", startedAt: "2026-11-29T10:00:00.400Z", owner: { host: "h", pid: 1, heartbeatAt: "2026-11-29T10:00:00.000Z" } };
const update = (result: string, startTime: string, changes: Record<string, number>, kind = "update") => ({ result, kind, startTime, resourceChanges: changes });

describe("a plain deploy's pending mark", () => {
  const table: [string, Parameters<typeof verdictOf>[1], "record" | "drop"][] = [
    ["its update succeeded with changes", update("succeeded", "2026-11-29T10:00:01Z", { update: 1, same: 4 }), "record"],
    ["its update started in the mark's second (history keeps whole seconds)", update("succeeded", "2026-11-29T10:00:00Z", { update: 1 }), "record"],
    ["its update changed nothing", update("succeeded", "2026-11-29T10:00:01Z", { same: 5 }), "drop"],
    ["its update failed", update("failed", "2026-11-29T10:00:01Z", { update: 1 }), "drop"],
    ["the newest update is older than the mark (its update never finished)", update("succeeded", "2026-11-29T09:59:00Z", { update: 1 }), "drop"],
    ["the newest is a refresh, not an update", update("succeeded", "2026-11-29T10:00:01Z", { update: 1 }, "refresh"), "drop"],
    ["no history at all", undefined, "drop"],
  ];
  for (const [name, latest, verdict] of table) it(`${name}: ${verdict}`, () => assert.equal(verdictOf(pending, latest), verdict));
});
