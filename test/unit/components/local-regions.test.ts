/** The pure parts of the local two-region form: argument checks, the serving region, front health. */
import assert from "node:assert/strict";
import { assertRegionArgs } from "../../../components/environment/local-regions";
import { assertValidRegionWeights } from "../../../components/traffic/haproxy-region-split";
import { readLocalRegionWeights, regionHealthOf } from "../../../components/traffic/mechanisms/local-haproxy-regions";
import { servingRegionOf } from "../../../stacks/targets/local-regional";
import { readLiveRegionWeights } from "../../../automation/dr/read-back";

const pair = ["east", "west"] as const;
const region = { address: "127.0.1.1", ports: { listen: 1, blue: 2, green: 3 } };

describe("local regions: pure rules", () => {
  it("assertValidRegionWeights takes whole shares of exactly the two regions summing to 100", () => {
    const table: Array<[Record<string, number>, RegExp | undefined]> = [
      [{ east: 100, west: 0 }, undefined],
      [{ west: 30, east: 70 }, undefined],
      [{ east: 60, west: 60 }, /weights: east 60 \+ west 60 = 120, not 100/],
      [{ east: 100 }, /weights\.west: must be an integer from 0 to 100, got undefined/],
      [{ east: 50.5, west: 49.5 }, /weights\.east: must be an integer/],
      [{ east: 100, west: 0, north: 0 }, /weights\.north: is not one of the regions east, west/],
      [{ east: 101, west: -1 }, /weights\.east: must be an integer from 0 to 100, got 101/],
    ];
    for (const [weights, error] of table) {
      if (error) assert.throws(() => assertValidRegionWeights("split", pair, weights), error, JSON.stringify(weights));
      else assert.doesNotThrow(() => assertValidRegionWeights("split", pair, weights), JSON.stringify(weights));
    }
  });

  it("assertRegionArgs wants every region once and nothing else", () => {
    assert.doesNotThrow(() => assertRegionArgs("env", pair, { east: region, west: region }));
    assert.throws(() => assertRegionArgs("env", pair, { east: region }), /regionArgs\.west: is missing/);
    assert.throws(() => assertRegionArgs("env", pair, { east: region, west: region, north: region }), /regionArgs\.north: is not one of the regions/);
    assert.throws(() => assertRegionArgs("env", ["east", "east"], { east: region }), /names east twice/);
  });

  it("servingRegionOf: the region taking more traffic, the primary on a tie", () => {
    const table: Array<[Record<string, number>, string, string]> = [
      [{ east: 100, west: 0 }, "east", "east"],
      [{ east: 0, west: 100 }, "east", "west"],
      [{ east: 50, west: 50 }, "east", "east"],
      [{ east: 50, west: 50 }, "west", "west"],
      [{ east: 40, west: 60 }, "east", "west"],
      [{ east: 100, west: 0 }, "west", "east"],
    ];
    for (const [weights, primary, serving] of table) assert.equal(servingRegionOf(weights, pair, primary), serving, `${JSON.stringify(weights)} primary ${primary}`);
  });

  it("regionHealthOf reads the front's check status as a user reads show stat", () => {
    const table: Array<[string, string]> = [
      ["UP", "up"],
      ["UP 1/2", "up"],
      ["DOWN", "down"],
      ["DOWN 1/2", "down"],
      ["MAINT", "maint"],
      ["MAINT (via x/y)", "maint"],
      ["DRAIN", "up"],
      ["no check", "up"],
    ];
    for (const [status, health] of table) assert.equal(regionHealthOf(status), health, status);
  });

  it("read-back says it cannot tell for a stack without a local front (no guess)", async () => {
    assert.equal(await readLiveRegionWeights({}), undefined);
    assert.equal(await readLiveRegionWeights({ regions: { names: pair, weights: { east: 100, west: 0 }, endpoints: {}, trafficUrns: [], mechanism: "aws-route53-failover" } }), undefined);
    assert.equal(await readLocalRegionWeights({ regions: { names: pair, weights: { east: 100, west: 0 }, endpoints: {}, trafficUrns: [], mechanism: "local-haproxy-regions" } }), undefined, "no socket exported");
  });

  it("read-back of a front that does not answer is an error, not a guess", async () => {
    const outputs = { regions: { names: pair, weights: { east: 100, west: 0 }, endpoints: {}, trafficUrns: [], mechanism: "local-haproxy-regions", socket: "/nonexistent/admin.sock", backend: "be_x" } };
    await assert.rejects(readLiveRegionWeights(outputs), /runtime API at \/nonexistent\/admin\.sock/);
  });
});
