/**
 * The local environment under mocks: the driver's scale-down removes the slot's process, and a
 * weight on that slot fails the update rather than reaching HAProxy.
 */
import assert from "node:assert/strict";
import { LocalBlueGreenEnvironment } from "../../components/environment/local";
import type { Weights } from "../../model/weights";
import { promiseOf, recorded, resetRecorded, settle, useMocks } from "./mocks";

const build = (weights: Weights, scaledDown?: "blue" | "green") =>
  new LocalBlueGreenEnvironment("svc", {
    service: "hello",
    slots: { blue: { version: "1.0.0", port: 18081, scaledDown: scaledDown === "blue" }, green: { version: "1.1.0", port: 18082, scaledDown: scaledDown === "green" } },
    weights,
    listenPort: 18080,
    runDir: "/tmp/unused",
    haproxy: "/usr/sbin/haproxy",
  });

describe("LocalBlueGreenEnvironment and the driver's scale-down", () => {
  before(() => useMocks());

  it("runs no process for the scaled-down slot and keeps its version", async () => {
    resetRecorded();
    const env = build({ blue: 100, green: 0 }, "green");
    await settle();
    const workloads = recorded.filter((r) => r.inputs.slot !== undefined && r.inputs.version !== undefined).map((r) => r.inputs.slot);
    assert.deepEqual(workloads, ["blue"]);
    assert.equal(await promiseOf(env.versions.green), "1.1.0");
  });

  it("refuses weight on the scaled-down slot, naming the slot and the way back", async () => {
    const env = build({ blue: 95, green: 5 }, "green");
    await assert.rejects(promiseOf(env.weights), /weights\.green: is 5% on a slot scaled down to no process.*bring green back first/s);
  });
});
