import assert from "node:assert/strict";
import { hostname } from "node:os";
import { newRolloutRecord, type NewRollout } from "../../../automation/rollout/record";
import { record } from "./machine-fixtures";

/** What a command decides, taken from the machine tests' record: the rest is the builder's. */
const { id: _id, prepared: _prepared, stepIndex: _stepIndex, steps: _steps, status: _status, owner: _owner, rollbackTriggers: _triggers, startedAt: _startedAt, updatedAt: _updatedAt, ...decided } = record();
const fields: NewRollout = decided;

describe("a new rollout record", () => {
  it("starts at step 0, running, driven by this process, with nothing measured", () => {
    const record = newRolloutRecord(fields, new Date("2026-12-06T00:00:00Z"));
    assert.match(record.id, /^r-[0-9a-f]{8}$/);
    assert.equal(record.status, "running");
    assert.equal(record.stepIndex, 0);
    assert.equal(record.prepared, false);
    assert.deepEqual(record.steps, []);
    assert.deepEqual(record.rollbackTriggers, []);
    assert.deepEqual({ host: record.owner?.host, pid: record.owner?.pid }, { host: hostname(), pid: process.pid });
    assert.equal(record.startedAt, "2026-12-06T00:00:00.000Z");
    assert.equal(record.weights, fields.weights);
  });

  it("names a rollback's record rb-… and two records apart", () => {
    const rollback = newRolloutRecord({ ...fields, kind: "rollback" });
    assert.match(rollback.id, /^rb-[0-9a-f]{8}$/);
    assert.notEqual(newRolloutRecord(fields).id, newRolloutRecord(fields).id);
  });
});
