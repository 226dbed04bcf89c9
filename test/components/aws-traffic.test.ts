import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { AlbTrafficSplit, toAlbWeights } from "../../components/traffic/aws-alb";
import { Route53WeightedSplit, toRoute53Weights } from "../../components/traffic/aws-route53";
import { ComponentArgsError } from "../../components/errors";
import { diffBuilds, one, ofType, promiseOf, settle, unwrap, unknownOutput, useMocks } from "./mocks";

const STEPS = [0, 5, 25, 50, 100];
const w = (green: number) => ({ blue: 100 - green, green });
const provider = () => new aws.Provider("aws-us-east-1", { region: "us-east-1" });

const alb = (green: number) =>
  new AlbTrafficSplit("web", {
    provider: provider(),
    loadBalancerArn: "arn:lb",
    loadBalancerDnsName: "web.elb.amazonaws.com",
    targetGroupArns: { blue: "arn:tg-blue", green: "arn:tg-green" },
    weights: w(green),
  });

const r53 = (green: number) =>
  new Route53WeightedSplit("dns", {
    provider: provider(),
    zoneId: "Z1",
    recordName: "app.example.com",
    targets: { blue: { cname: "blue.example.com" }, green: { cname: "green.example.com" } },
    weights: w(green),
    healthCheckIds: { blue: "hc-blue", green: "hc-green" },
  });

describe("AWS traffic splits", () => {
  before(() => useMocks());

  describe("toAlbWeights / toRoute53Weights", () => {
    for (const g of STEPS) {
      it(`maps ${g}% green into 0..999 and 0..255`, () => {
        assert.deepEqual(toAlbWeights(w(g)), { blue: 100 - g, green: g });
        assert.deepEqual(toRoute53Weights(w(g)), { blue: 100 - g, green: g });
      });
    }
    it("rejects weights not summing to 100, naming component and field", () => {
      assert.throws(() => toAlbWeights({ blue: 50, green: 60 }), (e: unknown) => e instanceof ComponentArgsError && /AlbTrafficSplit: weights: .*Fix: set green to 50/.test(e.message));
      assert.throws(() => toRoute53Weights({ blue: 5.5, green: 94.5 }), ComponentArgsError);
    });
  });

  describe("AlbTrafficSplit", () => {
    it("builds one listener forwarding to both target groups with explicit stickiness", async () => {
      const split = alb(25);
      const listener = await promiseOf(split.listener.defaultActions);
      assert.deepEqual(listener[0].forward?.targetGroups, [{ arn: "arn:tg-blue", weight: 75 }, { arn: "arn:tg-green", weight: 25 }]);
      assert.deepEqual(listener[0].forward?.stickiness, { enabled: false, duration: 1 });
      assert.deepEqual(await promiseOf(split.weights), { blue: 75, green: 25 });
      assert.equal(await promiseOf(split.endpoint), "http://web.elb.amazonaws.com:80");
      assert.equal(await promiseOf(split.listener.urn), "urn:pulumi:test::switchyard::switchyard:traffic:AlbTrafficSplit$aws:lb/listener:Listener::web-listener");
    });
    for (const g of STEPS) {
      it(`records weight ${g} on the listener`, async () => {
        const split = alb(g);
        assert.deepEqual(await promiseOf(split.weights), w(g));
      });
    }
    it("a weight change changes only the listener's inputs", async () => {
      const { changed, all } = await diffBuilds((v) => void alb(v === 0 ? 0 : 5));
      assert.ok(all.length >= 3);
      assert.deepEqual(changed, ["aws:lb/listener:Listener::web-listener"]);
    });
    it("rejects HTTPS without a certificate and bad weights up front", () => {
      assert.throws(() => new AlbTrafficSplit("x", { provider: provider(), loadBalancerArn: "a", loadBalancerDnsName: "d", targetGroupArns: { blue: "b", green: "g" }, weights: w(0), protocol: "HTTPS" }), /certificateArn: is required/);
      assert.throws(() => new AlbTrafficSplit("y", { provider: provider(), loadBalancerArn: "a", loadBalancerDnsName: "d", targetGroupArns: { blue: "b", green: "g" }, weights: { blue: 1, green: 1 } }), /weights: blue \+ green must be 100/);
    });
  });

  describe("Route53WeightedSplit", () => {
    it("builds two weighted CNAMEs of one name with health checks", async () => {
      r53(5);
      await settle();
      const records = ofType("aws:route53/record:Record");
      const blue = records.find((r) => r.name === "dns-blue")!;
      const green = records.find((r) => r.name === "dns-green")!;
      assert.deepEqual(green.inputs.weightedRoutingPolicies, [{ weight: 5 }]);
      assert.deepEqual(blue.inputs.weightedRoutingPolicies, [{ weight: 95 }]);
      assert.equal(green.inputs.setIdentifier, "green");
      assert.equal(green.inputs.healthCheckId, "hc-green");
      assert.equal(green.inputs.type, "CNAME");
      assert.equal(blue.inputs.name, green.inputs.name);
    });
    it("a weight change changes only the two records", async () => {
      const { changed } = await diffBuilds((v) => void r53(v === 0 ? 25 : 50));
      assert.deepEqual(changed, ["aws:route53/record:Record::dns-blue", "aws:route53/record:Record::dns-green"]);
    });
    it("rejects mixed target kinds and a bare record name", () => {
      assert.throws(() => new Route53WeightedSplit("m", { provider: provider(), zoneId: "Z", recordName: "app.example.com", targets: { blue: { cname: "b" }, green: { alias: { name: "n", zoneId: "z" } } }, weights: w(0) }), /targets: blue and green must both/);
      assert.throws(() => new Route53WeightedSplit("n", { provider: provider(), zoneId: "Z", recordName: "app", targets: { blue: { cname: "b" }, green: { cname: "g" } }, weights: w(0) }), /recordName: must be a fully qualified name/);
    });
  });

  describe("preview with unknown weights", () => {
    before(() => useMocks({ preview: true }));
    after(() => useMocks());
    it("registers the listener and leaves weights unknown", async () => {
      const split = new AlbTrafficSplit("pv", { provider: provider(), loadBalancerArn: "arn:lb", loadBalancerDnsName: "d", targetGroupArns: { blue: "b", green: "g" }, weights: unknownOutput() });
      assert.equal((await unwrap(split.weights)).known, false);
      assert.equal((await unwrap(split.endpoint)).known, true);
      await promiseOf(split.listener.urn);
      one("aws:lb/listener:Listener");
    });
  });
});
