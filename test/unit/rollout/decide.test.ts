import assert from "node:assert/strict";
import { decide, type Running } from "../../../automation/rollout/decide";
import { parseStackConfig } from "../../../stacks/load-config";

function config(values: Record<string, unknown>) {
  return parseStackConfig(
    {
      "switchyard:target": "local",
      "switchyard:service": "hello",
      "switchyard:local": { ports: { listen: 18080, blue: 18081, green: 18082 } },
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`switchyard:${k}`, v])),
    },
    "test",
  );
}
const slots = (blue: string, green: string) => ({ blue: { version: blue }, green: { version: green } });
const running = (blue: number, versions: [string, string]): Running => ({ weights: { blue, green: 100 - blue }, versions: { blue: versions[0], green: versions[1] } });

describe("what a deploy does", () => {
  it("applies weights as written when no slot is named active", () => {
    const d = decide(running(100, ["1", "1"]), config({ slots: slots("1", "1"), traffic: { blue: 70, green: 30 } }));
    assert.deepEqual(d, { kind: "apply", traffic: { blue: 70, green: 30 }, reason: "no switchyard:active: weights applied as written" });
  });

  it("puts all traffic on the active slot on a first deploy", () => {
    const d = decide(undefined, config({ slots: slots("1", "1"), active: "green" }));
    assert.equal(d.kind, "apply");
    assert.deepEqual(d.kind === "apply" && d.traffic, { blue: 0, green: 100 });
  });

  it("rolls out to the active slot when the other one serves", () => {
    assert.deepEqual(decide(running(100, ["1", "1"]), config({ slots: slots("1", "2"), active: "green" })), { kind: "rollout", stable: "blue", canary: "green", fromWeight: 0 });
  });

  it("continues from a split left by an earlier rollout", () => {
    assert.deepEqual(decide(running(50, ["1", "2"]), config({ slots: slots("1", "2"), active: "green" })), { kind: "rollout", stable: "blue", canary: "green", fromWeight: 50 });
  });

  it("only updates the idle slot when the active one already serves everything", () => {
    const d = decide(running(100, ["1", "1"]), config({ slots: slots("1", "3"), active: "blue" }));
    assert.equal(d.kind, "apply");
  });

  it("refuses to change the version of the slot that serves traffic, naming the key and the fix", () => {
    const d = decide(running(100, ["1", "1"]), config({ slots: slots("2", "1"), active: "blue" }));
    assert.equal(d.kind, "refuse");
    const [problem] = d.kind === "refuse" ? d.problems : [];
    assert.equal(problem!.path, "switchyard:slots.blue.version");
    assert.match(problem!.message, /while it serves 100% of traffic/);
    assert.match(problem!.fix, /put the new version on green and set switchyard:active: green/);
  });

  it("refuses to change the stable slot during a rollout to the other", () => {
    const d = decide(running(100, ["1", "1"]), config({ slots: slots("2", "2"), active: "green" }));
    assert.equal(d.kind, "refuse");
  });
});
