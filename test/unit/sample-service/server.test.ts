import assert from "node:assert/strict";
import { settingsFromEnv, shouldFail } from "../../../sample-service/server";

describe("sample service", () => {
  it("fails exactly the configured share of requests, evenly spread", () => {
    const fails = (rate: number, n: number) => Array.from({ length: n }, (_, i) => shouldFail(i + 1, rate));
    assert.equal(fails(0.2, 100).filter(Boolean).length, 20);
    assert.deepEqual(fails(0.2, 10), [false, false, false, false, true, false, false, false, false, true]);
    assert.equal(fails(0, 1000).filter(Boolean).length, 0);
    assert.equal(fails(1, 50).filter(Boolean).length, 50);
  });

  it("validates its environment", () => {
    assert.throws(() => settingsFromEnv({ PORT: "x" }), /PORT must be a TCP port/);
    assert.throws(() => settingsFromEnv({ PORT: "8080", FAILURE_RATE: "2" }), /FAILURE_RATE must be within 0\.\.1/);
    assert.equal(settingsFromEnv({ PORT: "8080", SERVICE_VERSION: "2.0.0" }).version, "2.0.0");
  });
});
