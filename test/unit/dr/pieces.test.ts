/** The small pure pieces of DR: the intent's schema, a region's metrics, the watch's streak, the front's failure count. */
import assert from "node:assert/strict";
import { regionMetrics, DEFAULT_REGION_METRIC } from "../../../automation/dr/region-analysis";
import { frontendFailuresOf } from "../../../automation/dr/read-back";
import { nextStreak } from "../../../automation/commands/watch";
import { metricSchema } from "../../../model/config/analysis";
import { drSchema, effectiveRegionWeights, primaryRegion } from "../../../model/config/dr";

describe("switchyard:dr", () => {
  it("defaults: at once, 1-s watch with 3 failures, full drill", () => {
    const dr = drSchema.parse({});
    assert.deepEqual(dr.failover.steps, [100]);
    assert.deepEqual(dr.watch, { interval: 1000, failureLimit: 3 });
    assert.equal(dr.drill.share, 100);
  });
  it("refuses steps that do not end at 100 or do not increase, naming the field", () => {
    for (const steps of [[50], [100, 50], [0, 100]]) {
      const result = drSchema.safeParse({ failover: { steps } });
      assert.ok(!result.success, JSON.stringify(steps));
      assert.deepEqual(result.error.issues[0]!.path.slice(0, 2), ["failover", "steps"]);
    }
  });
  it("the primary must be one of the target's regions", () => {
    assert.equal(primaryRegion({ primary: "west" }, ["east", "west"]), "west");
    assert.equal(primaryRegion(undefined, ["east", "west"]), "east");
    assert.throws(() => primaryRegion({ primary: "north" }, ["east", "west"]), /switchyard:dr.primary is "north".*set it to east or west/);
  });
  it("weights in flight must weigh exactly the two regions and sum to 100", () => {
    assert.deepEqual(effectiveRegionWeights({ primary: "east" }, ["east", "west"], undefined), { east: 100, west: 0 });
    assert.deepEqual(effectiveRegionWeights({}, ["east", "west"], { west: 70, east: 30 }), { east: 30, west: 70 });
    assert.throws(() => effectiveRegionWeights({}, ["east", "west"], { east: 30, west: 30 }), /summing to 100/);
    assert.throws(() => effectiveRegionWeights({}, ["east", "west"], { east: 0, north: 100 }), /exactly the regions east and west/);
  });
});

describe("a region's metrics", () => {
  const http = metricSchema.parse({ name: "smoke", provider: { type: "http", path: "/" }, interval: "2s", count: 3, successCondition: { max: 500 } });
  const haproxy = metricSchema.parse({ name: "errors", provider: { type: "haproxy", measure: "errorShare" }, successCondition: { max: 0.01 } });
  it("keeps the stack's metrics but HAProxy's (they measure slots), fitted to the time given", () => {
    assert.deepEqual(regionMetrics([http, haproxy], 1000).map((m) => [m.name, m.interval, m.count]), [["smoke", 1000, 1]]);
    assert.deepEqual(regionMetrics([http], 6000).map((m) => [m.interval, m.count]), [[2000, 3]]);
  });
  it("the watch's single measurement counts an error at once", () => {
    assert.deepEqual(regionMetrics([http], 1000, true).map((m) => [m.count, m.consecutiveErrorLimit]), [[1, 0]]);
  });
  it("the watch stops waiting for an answer once its latency threshold has passed", () => {
    const timeoutOf = (metric: { provider: unknown }) => (metric.provider as { timeout?: number }).timeout;
    assert.equal(timeoutOf(regionMetrics([http], 1000, true)[0]!), 500);
    assert.equal(timeoutOf(regionMetrics([http], 1000)[0]!), 2000, "a move's analysis waits the provider's own timeout");
  });
  it("a stack without an applicable metric gets a plain probe", () => {
    assert.deepEqual(regionMetrics([haproxy], 1000).map((m) => m.name), [DEFAULT_REGION_METRIC.name]);
    assert.deepEqual(regionMetrics(undefined, 1000).map((m) => m.name), [DEFAULT_REGION_METRIC.name]);
  });
});

describe("the watch's streak", () => {
  it("counts failures and errors in a row; a success resets it and marks the region healthy; no data changes nothing", () => {
    let s = nextStreak({ failures: 0 }, "Successful", "t1", 4);
    assert.deepEqual(s, { failures: 0, lastHealthyAt: "t1", failuresAtHealthy: 4 });
    s = nextStreak(s, "Failed", "t2", 9);
    s = nextStreak(s, "Inconclusive", "t3", 9);
    s = nextStreak(s, "Error", "t4", 12);
    assert.deepEqual(s, { failures: 2, lastHealthyAt: "t1", failuresAtHealthy: 4 });
  });
});

describe("the front's failed answers", () => {
  it("sums hrsp_5xx of the frontends in show stat", () => {
    const csv = ["# pxname,svname,scur,hrsp_5xx,", "fe_hello,FRONTEND,0,7,", "be_hello,east,0,3,", "be_hello,BACKEND,0,3,", ""].join("\n");
    assert.equal(frontendFailuresOf(csv), 7);
  });
  it("is an error when the columns are missing", () => {
    assert.throws(() => frontendFailuresOf("# pxname,scur\n"), /hrsp_5xx/);
  });
});
