/** Health of a stack's two regions: what status says about the regional split and each region. */
import assert from "node:assert/strict";
import { regionFindings, type RegionObservations } from "../../../automation/health/regions";

const good = [{ status: 200 }];
const refused = [{ error: "connection refused" }];
const base: RegionObservations = { names: ["east", "west"], declared: { east: 100, west: 0 }, inFlight: [], live: { east: 100, west: 0 }, answers: { east: good, west: good } };
const findings = (changes: Partial<RegionObservations>) => regionFindings({ ...base, ...changes }, "local-dr").map((f) => `${f.level} ${f.subject}: ${f.message}`);

describe("regional health", () => {
  it("both regions answer and the split serves as declared: nothing to say", () => {
    assert.deepEqual(findings({}), []);
  });
  it("a standby that does not answer is degraded: a failover would be refused", () => {
    assert.deepEqual(findings({ answers: { east: good, west: refused } }), ["degraded region west: the standby west gives no good answer (no answer (connection refused)): a failover now would be refused"]);
  });
  it("the serving region not answering at its own endpoint is named, with failover as the fix", () => {
    const found = regionFindings({ ...base, answers: { east: [{ status: 503 }], west: good } }, "local-dr");
    assert.match(found[0]!.message, /east takes 100% of traffic but its own endpoint gives no good answer: HTTP 503/);
    assert.match(found[0]!.fix!, /switchyard failover --stack local-dr/);
  });
  it("a split changed outside Switchyard is degraded; one a move has in flight is not", () => {
    assert.deepEqual(findings({ live: { east: 0, west: 100 } }), ["degraded regions: the regional split serves east 0% / west 100%, state records east 100% / west 0%"]);
    assert.deepEqual(findings({ live: { east: 0, west: 100 }, inFlight: [{ east: 0, west: 100 }] }), []);
  });
  it("a split that cannot be read is degraded, never assumed", () => {
    assert.deepEqual(findings({ live: { error: "connect ENOENT /run/front.sock" } }), ["degraded regions: the regional split cannot be read: connect ENOENT /run/front.sock"]);
  });
});
