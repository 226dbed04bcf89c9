import assert from "node:assert/strict";
import { regionalPlan, roleOf, UnknownDataPrimaryError } from "../../../components/dr/regional";
import { ComponentArgsError } from "../../../components/errors";
import { drSchema, UnknownRegionError, type RegionPair } from "../../../model/config/dr";

const REGIONS: RegionPair = ["us-east-1", "us-west-2"];
const intent = (primary?: string) => drSchema.parse(primary ? { primary } : {});
const plan = (dr?: Parameters<typeof regionalPlan>[3]) => regionalPlan("switchyard:aws", "Route 53 failover routing", REGIONS, dr);

describe("components/dr/regional: the serving region and the data primary of one run", () => {
  it("without a dr block, the home region serves and holds the data", () => {
    assert.deepEqual(plan(undefined), { regions: REGIONS, weights: { "us-east-1": 100, "us-west-2": 0 }, serving: "us-east-1", servingRole: "primary", dataPrimary: "us-east-1", dataRole: "primary" });
  });
  it("dr.primary naming the standby moves both the traffic and the data there", () => {
    const p = plan({ config: intent("us-west-2") });
    assert.deepEqual([p.serving, p.servingRole, p.dataPrimary, p.dataRole], ["us-west-2", "standby", "us-west-2", "standby"]);
  });
  it("the driver's weights in flight move the traffic; its dataPrimary alone moves the data", () => {
    const inFlight = { "us-east-1": 0, "us-west-2": 100 };
    assert.deepEqual([plan({ config: intent(), inFlight }).serving, plan({ config: intent(), inFlight }).dataPrimary], ["us-west-2", "us-east-1"]);
    assert.equal(plan({ config: intent(), inFlight, dataPrimary: "us-west-2" }).dataRole, "standby");
  });
  it("a failback in flight overrides a file that names the standby", () => {
    assert.equal(plan({ config: intent("us-west-2"), inFlight: { "us-east-1": 100, "us-west-2": 0 } }).serving, "us-east-1");
  });
  it("refuses shares an at-once split cannot apply, naming the key and the fix", () => {
    assert.throws(
      () => plan({ config: intent(), inFlight: { "us-east-1": 90, "us-west-2": 10 } }),
      (e: unknown) =>
        e instanceof ComponentArgsError &&
        e.message.startsWith('switchyard:aws: switchyard:dr.failover.steps: the regional weights {"us-east-1":90,"us-west-2":10} split traffic between us-east-1 and us-west-2, but Route 53 failover routing moves all traffic at once') &&
        e.fix.startsWith("use steps: [100]"),
    );
  });
  it("refuses an unknown primary and an unknown data primary with their own errors", () => {
    assert.throws(() => plan({ config: intent("eu-west-1") }), UnknownRegionError);
    assert.throws(() => plan({ config: intent(), dataPrimary: "eu-west-1" }), (e: unknown) => e instanceof UnknownDataPrimaryError && /names "eu-west-1" as the data primary/.test(e.message));
  });
  it("names each region's site by role", () => {
    assert.deepEqual(REGIONS.map((r) => roleOf(r, REGIONS)), ["primary", "standby"]);
  });
});
