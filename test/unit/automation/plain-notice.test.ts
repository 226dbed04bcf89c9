/** What `npm run pulumi` tells a user before a plain run that leaves the driver's status out. */
import assert from "node:assert/strict";
import { plainRunNotice, runsProgram } from "../../../automation/plain-notice";
import { stackArgument } from "../../../automation/plain-pulumi";

describe("plain pulumi runs and the driver's status", () => {
  it("finds the command that runs the program, past global flags and their values", () => {
    assert.equal(runsProgram(["up", "--stack", "prod", "--yes"]), true);
    assert.equal(runsProgram(["--cwd", "elsewhere", "-s", "prod", "preview"]), true);
    assert.equal(runsProgram(["stack", "export", "--stack", "prod"]), false);
    assert.equal(runsProgram(["config", "set", "--secret", "up", "x"]), false);
    assert.equal(runsProgram([]), false);
  });

  it("finds the stack in every form the CLI takes", () => {
    assert.equal(stackArgument(["up", "--stack", "prod"]), "prod");
    assert.equal(stackArgument(["up", "--stack=prod"]), "prod");
    assert.equal(stackArgument(["up", "-s", "prod"]), "prod");
    assert.equal(stackArgument(["up", "-sprod"]), "prod");
    assert.equal(stackArgument(["up"]), undefined);
  });

  it("says nothing when the backend holds no status the file lacks", () => {
    assert.equal(plainRunNotice("prod", undefined), undefined);
    assert.equal(plainRunNotice("prod", { rollout: "r1" }), undefined);
  });

  it("names each thing a plain run will not apply, and what to do", () => {
    const notice = plainRunNotice("prod", { rollout: "r7", weights: { blue: 50, green: 50 }, scaledDown: "blue", release: { active: "blue" } })!;
    assert.match(notice, /driver's status for stack "prod" is not applied by plain pulumi commands/);
    assert.match(notice, /traffic in flight: blue 50% \/ green 50% \(rollout r7\)/);
    assert.match(notice, /slot blue scaled down/);
    assert.match(notice, /a prior release re-applied by a rollback/);
    assert.match(notice, /switchyard status --stack prod/);
  });

  it("names a failover the file does not say yet: regional traffic and promoted data", () => {
    const notice = plainRunNotice("prod", { regions: { east: 0, west: 100 }, dataPrimary: "west" })!;
    assert.match(notice, /regional traffic: east 0% \/ west 100% \(a failover, failback or drill\)/);
    assert.match(notice, /data replicas promoted in west/);
  });
});
