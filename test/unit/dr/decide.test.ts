/** What failover, failback and drill may do, decided before anything moves. */
import assert from "node:assert/strict";
import { decideMove, parseStepsFlag, type MoveFacts } from "../../../automation/dr/decide";
import { drSchema } from "../../../model/config/dr";

const facts = (changes: Partial<MoveFacts>): MoveFacts => ({ stack: "s", kind: "failover", names: ["east", "west"], live: { east: 100, west: 0 }, filePrimary: "east", dr: drSchema.parse({}), shift: "stepped", ...changes });

describe("decide a regional move", () => {
  it("failover: from the serving primary to the standby, at once by default, promoting data", () => {
    assert.deepEqual(decideMove(facts({})), { from: "east", to: "west", plan: [100], bakeMs: 5000, promoteData: true });
  });
  it("failover with --steps", () => {
    assert.deepEqual(decideMove(facts({ steps: [50, 100] })).plan, [50, 100]);
  });
  it("failover of a stack already on its standby is refused, pointing to failback", () => {
    assert.throws(() => decideMove(facts({ live: { east: 0, west: 100 } })), /already serves from west.*/);
  });
  it("failback returns to the file's primary; refused when it already serves", () => {
    assert.deepEqual(decideMove(facts({ kind: "failback", live: { east: 0, west: 100 } })).to, "east");
    assert.throws(() => decideMove(facts({ kind: "failback" })), /nothing to fail back/);
  });
  it("a drill shifts its share and comes back, without promoting data", () => {
    assert.deepEqual(decideMove(facts({ kind: "drill", dr: drSchema.parse({ drill: { share: 20, hold: "3s" } }) })), { from: "east", to: "west", plan: [20, 0], bakeMs: 3000, promoteData: false });
  });
  it("split traffic is refused: no region serves alone", () => {
    assert.throws(() => decideMove(facts({ live: { east: 50, west: 50 } })), /split between regions \(east 50% \/ west 50%\)/);
  });
  it("steps on a target that moves all at once are refused, naming the key", () => {
    assert.throws(() => decideMove(facts({ steps: [50, 100], shift: "at-once" })), (e: Error & { fix?: string }) => /moves all traffic at once/.test(e.message) && /dr\.failover\.steps/.test(String(e.fix)));
  });
  it("--steps is checked like the config", () => {
    assert.deepEqual(parseStepsFlag("25, 100"), [25, 100]);
    for (const bad of ["50", "100,50", "0,100", "abc", "50,100,100"]) assert.throws(() => parseStepsFlag(bad), /--steps/, bad);
  });
});
