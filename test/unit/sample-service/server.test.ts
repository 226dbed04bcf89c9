import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { settingsFromEnv, shouldFail, startService } from "../../../sample-service/server";

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

  it("says which region answers only when it runs in one: one-region answers stay as they were", async () => {
    const answer = async (env: NodeJS.ProcessEnv) => {
      const server = startService({ ...settingsFromEnv({ PORT: "1", SERVICE_NAME: "hello", SERVICE_VERSION: "1.0.0", SLOT: "blue", ...env }), port: 0 });
      await new Promise((resolve) => server.once("listening", resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        return await res.json();
      } finally {
        server.close();
      }
    };
    assert.deepEqual(await answer({}), { service: "hello", version: "1.0.0", slot: "blue" });
    assert.deepEqual(await answer({ SWITCHYARD_REGION: "west" }), { service: "hello", version: "1.0.0", slot: "blue", region: "west" });
  });
});
