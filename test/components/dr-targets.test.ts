/**
 * Disaster recovery through the cloud targets, under Pulumi mocks: the intent (`switchyard:dr.primary`)
 * and the driver's status (regional weights in flight, the promoted data region) change exactly the
 * routing and data resources a failover acts on, and nothing else; the regions and drPlan outputs
 * say what was applied.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ComponentArgsError } from "../../components/errors";
import { drSchema, UnknownRegionError, type RegionWeights } from "../../model/config/dr";
import { weightsSchema } from "../../model/config/stack";
import type { RegionsOutputs } from "../../model/outputs";
import { awsTarget } from "../../stacks/targets/aws";
import { azureTarget } from "../../stacks/targets/azure";
import { gcpTarget } from "../../stacks/targets/gcp";
import { multicloudTarget } from "../../stacks/targets/multicloud";
import type { CommonConfig, TargetDefinition } from "../../stacks/targets/types";
import { byName, diffBuilds, promiseOf, resetRecorded, settle, useMocks } from "./mocks";

const TARGETS = { aws: awsTarget, gcp: gcpTarget, azure: azureTarget, multicloud: multicloudTarget } as const;
type Name = keyof typeof TARGETS;

const config = (name: Name) => (parseYaml(readFileSync(path.resolve(__dirname, "..", "..", "stacks", `Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
const blockOf = (name: Name) => (TARGETS[name] as TargetDefinition<(typeof TARGETS)[Name]["schema"]>).schema.parse(config(name)[`switchyard:${name}`]);
function commonOf(name: Name, dr?: { primary?: string; inFlight?: RegionWeights; dataPrimary?: string }): CommonConfig {
  const c = config(name);
  const base = { service: c["switchyard:service"] as string, slots: c["switchyard:slots"] as CommonConfig["slots"], traffic: weightsSchema.parse(c["switchyard:traffic"]) };
  return dr ? { ...base, dr: { config: drSchema.parse(dr.primary ? { primary: dr.primary } : {}), inFlight: dr.inFlight, dataPrimary: dr.dataPrimary } } : base;
}
const build = (name: Name, common: CommonConfig) => (TARGETS[name].build as (c: CommonConfig, b: unknown, s: string) => Record<string, unknown>)(common, blockOf(name), "test");
const regionsOf = (name: Name) => (TARGETS[name].regions as (b: unknown) => readonly [string, string])(blockOf(name));
const names = (keys: readonly string[]) => keys.map((k) => k.split("::").at(-1)!).sort();

/** Per target: the resources a traffic failover updates, and those a data promotion updates. */
const EXPECTED: Record<Name, { traffic: string[]; data: string[]; mechanism: string }> = {
  aws: { traffic: ["hello-failover-primary", "hello-failover-standby"], data: ["hello-data-replication"], mechanism: "aws-route53-failover" },
  gcp: { traffic: ["hello-failover-record"], data: ["hello-db-standby"], mechanism: "gcp-cloud-dns-failover" },
  // Neither the SQL failover group nor geo-redundant storage is promoted through a property.
  azure: { traffic: ["hello-failover-profile"], data: [], mechanism: "azure-traffic-manager-priority" },
  multicloud: { traffic: ["hello-failover-primary", "hello-failover-standby"], data: ["hello-data-copy-job"], mechanism: "aws-route53-failover" },
};

describe("cloud targets: disaster recovery", () => {
  before(() => useMocks());

  for (const name of Object.keys(TARGETS) as Name[]) {
    describe(name, () => {
      const [home, standby] = [() => regionsOf(name)[0], () => regionsOf(name)[1]];

      it("declares its two regions (home first) and an at-once regional shift", () => {
        assert.equal(regionsOf(name).length, 2);
        assert.notEqual(home(), standby());
        assert.equal(TARGETS[name].regionalShift, "at-once");
      });
      it("switchyard:dr.primary naming the standby changes the failover routing and the data primary, nothing else", async () => {
        const { changed } = await diffBuilds((v) => void build(name, commonOf(name, v ? { primary: standby() } : undefined)));
        assert.deepEqual(names(changed), [...EXPECTED[name].traffic, ...EXPECTED[name].data].sort());
      });
      it("the driver's failover in flight (standby at 100) changes only the routing; the data waits for its promotion", async () => {
        const { changed } = await diffBuilds((v) => void build(name, commonOf(name, v ? { inFlight: { [home()]: 0, [standby()]: 100 } } : undefined)));
        assert.deepEqual(names(changed), EXPECTED[name].traffic.sort());
      });
      it("the driver's data promotion (status dataPrimary) changes only the data resources", async () => {
        const inFlight = { [home()]: 0, [standby()]: 100 };
        const { changed } = await diffBuilds((v) => void build(name, commonOf(name, { inFlight, dataPrimary: v ? standby() : undefined })));
        assert.deepEqual(names(changed), EXPECTED[name].data.sort());
      });
      it("exports regions: names, applied weights, each region's endpoint, the routing and data URNs, the mechanism", async () => {
        resetRecorded();
        const out = build(name, commonOf(name, { inFlight: { [home()]: 0, [standby()]: 100 } }));
        const regions = await promiseOf(out.regions as pulumi.Output<RegionsOutputs>);
        assert.deepEqual(regions.names, [home(), standby()]);
        assert.deepEqual(regions.weights, { [home()]: 0, [standby()]: 100 });
        assert.equal(regions.mechanism, EXPECTED[name].mechanism);
        assert.deepEqual(Object.keys(regions.endpoints).sort(), [home(), standby()].sort());
        assert.notEqual(regions.endpoints[home()], regions.endpoints[standby()]);
        assert.deepEqual(regions.trafficUrns.map((u) => u.split("::").at(-1)).sort(), EXPECTED[name].traffic.sort());
        assert.equal(regions.dataPrimary, home(), "the data stays with the intent's primary until promoted");
        assert.deepEqual((regions.dataUrns ?? []).map((u) => u.split("::").at(-1)).sort(), EXPECTED[name].data.sort());
        await settle();
      });
      it("exports drPlan with the serving region", async () => {
        const plan = await promiseOf(pulumi.output(build(name, commonOf(name, { primary: standby() })).drPlan) as pulumi.Output<Record<string, { region: string }>>);
        assert.equal(plan.primary!.region, home());
        assert.equal(plan.standby!.region, standby());
        assert.equal(plan.serving!.region, standby());
        await settle();
      });
      it("an unknown switchyard:dr.primary fails with the UnknownRegionError message", () => {
        assert.throws(
          () => build(name, commonOf(name, { primary: "mars-north-1" })),
          (e: unknown) => e instanceof UnknownRegionError && e.message === `switchyard:dr.primary is "mars-north-1", which is not one of this stack's regions (${home()}, ${standby()}); set it to ${home()} or ${standby()}`,
        );
      });
      it("refuses a 50/50 regional split, naming switchyard:dr.failover.steps and the fix", () => {
        assert.throws(
          () => build(name, commonOf(name, { inFlight: { [home()]: 50, [standby()]: 50 } })),
          (e: unknown) => e instanceof ComponentArgsError && e.field === "switchyard:dr.failover.steps" && /moves all traffic at once/.test(e.message) && /steps: \[100\]/.test(e.fix),
        );
      });
    });
  }

  describe("what a failover sets, per cloud", () => {
    const failedOver = (name: Name) => commonOf(name, { primary: regionsOf(name)[1] });
    afterEach(() => settle());

    it("aws: the PRIMARY record answers with the standby's load balancer and health check; S3 replicates from the standby bucket", async () => {
      resetRecorded();
      build("aws", failedOver("aws"));
      await settle();
      const primary = byName("hello-failover-primary").inputs;
      assert.equal(primary.failoverRoutingPolicies[0].type, "PRIMARY");
      assert.equal(primary.aliases[0].name, "hello-standby-alb.elb.mock");
      assert.equal(primary.healthCheckId, "hello-failover-standby-health-id");
      const secondary = byName("hello-failover-standby").inputs;
      assert.equal(secondary.failoverRoutingPolicies[0].type, "SECONDARY");
      assert.equal(secondary.healthCheckId, "hello-failover-primary-health-id");
      const replication = byName("hello-data-replication");
      assert.equal(replication.inputs.bucket, "hello-data-standby-id");
      assert.equal(replication.inputs.rules[0].destination.bucket, "arn:mock:aws:s3/bucket:Bucket:hello-data-primary");
      assert.match(replication.provider ?? "", /us-west-2/, "the source bucket's region serves its configuration");
    });
    it("gcp: the record set's primary is the standby's address with the home address as backup; the replica is promoted", async () => {
      resetRecorded();
      const out = build("gcp", failedOver("gcp"));
      const regions = await promiseOf(out.regions as pulumi.Output<RegionsOutputs>);
      await settle();
      const policy = byName("hello-failover-record").inputs.routingPolicy.primaryBackup;
      assert.deepEqual(policy.primary.externalEndpoints, [regions.endpoints["us-east1"]!.replace(/^https?:\/\//, "")]);
      assert.equal(policy.backupGeos[0].location, "us-central1");
      assert.deepEqual(policy.backupGeos[0].healthCheckedTargets.externalEndpoints, [regions.endpoints["us-central1"]!.replace(/^https?:\/\//, "")]);
      const replica = byName("hello-db-standby").inputs;
      assert.equal(replica.instanceType, "CLOUD_SQL_INSTANCE");
      assert.equal(replica.masterInstanceName, undefined);
      assert.equal(replica.settings.backupConfiguration.enabled, true);
      const promotion = await promiseOf(pulumi.output(out.dataPromotion) as pulumi.Output<Record<string, { command: string }[]>>);
      assert.match(promotion["us-central1"]![0]!.command, /--master-instance-name=hello-db-standby/, "moving the data home is a re-seed the driver runs");
    });
    it("azure: Traffic Manager gives the standby priority 1; the SQL and storage failovers are exported as actions", async () => {
      resetRecorded();
      const azure = azureTarget.schema.parse(config("azure")["switchyard:azure"]);
      const block = { ...azure, dr: { ...azure.dr!, sqlAdmin: { login: "dba", objectId: "00000000-0000-0000-0000-000000000001" } } };
      const out = (azureTarget.build as (c: CommonConfig, b: unknown, s: string) => Record<string, unknown>)(failedOver("azure"), block, "test");
      const promotion = await promiseOf(pulumi.output(out.dataPromotion) as pulumi.Output<Record<string, { command: string; region: string }[]>>);
      await settle();
      const endpoints = byName("hello-failover-profile").inputs.endpoints as { name: string; priority: number }[];
      assert.deepEqual(endpoints.map((e) => [e.name, e.priority]), [["primary", 2], ["standby", 1]]);
      assert.deepEqual(promotion.northeurope!.map((a) => a.command.split(" --")[0]), ["az sql failover-group set-primary"]);
      assert.match(promotion.northeurope![0]!.command, /--server hello-sql-standby/);
      assert.match(promotion.westeurope![0]!.command, /--server hello-sql-primary/);
      // Storage fails over to Azure's paired region (known once deployed), listed under that region.
      const storage = Object.entries(promotion).flatMap(([region, actions]) => actions.map((a) => ({ key: region, ...a }))).filter((a) => a.command.startsWith("az storage account failover"));
      assert.equal(storage.length, 1);
      assert.equal(storage[0]!.key, storage[0]!.region);
    });
    it("multicloud: the PRIMARY record answers with the GCP standby's address; the S3-to-GCS copy stops", async () => {
      resetRecorded();
      build("multicloud", failedOver("multicloud"));
      await settle();
      const primary = byName("hello-failover-primary").inputs;
      assert.equal(primary.aliases, undefined);
      assert.equal(primary.records.length, 1);
      assert.equal(byName("hello-failover-standby").inputs.aliases[0].name, "hello-alb.elb.mock");
      assert.equal(byName("hello-data-copy-job").inputs.status, "DISABLED");
    });
  });

  describe("aws: the standby listener's certificate", () => {
    const https = (dr: Record<string, unknown>) => {
      const block = structuredClone(config("aws")["switchyard:aws"]) as Record<string, Record<string, unknown>>;
      block.listener = { port: 443, protocol: "HTTPS", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/a" };
      block.dr = { ...block.dr, ...dr };
      return awsTarget.schema.safeParse(block);
    };
    const messages = (result: ReturnType<typeof https>) => (result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));

    it("is required with an HTTPS listener, saying why", () => {
      assert.ok(messages(https({})).some((m) => m.startsWith("dr.certificateArn: is required with an HTTPS listener: ACM certificates are regional")));
    });
    it("must be issued in the standby region", () => {
      assert.ok(messages(https({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/a" })).some((m) => m.startsWith("dr.certificateArn: must be a certificate issued in dr.standbyRegion")));
    });
    it("is the one the standby's listener uses, the primary keeping its own", async () => {
      const parsed = https({ certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/b" });
      assert.ok(parsed.success, JSON.stringify(messages(parsed)));
      resetRecorded();
      (awsTarget.build as (c: CommonConfig, b: unknown, s: string) => unknown)(commonOf("aws"), parsed.data, "test");
      await settle();
      assert.equal(byName("hello-standby-traffic-listener").inputs.certificateArn, "arn:aws:acm:us-west-2:123456789012:certificate/b");
      assert.equal(byName("hello-traffic-listener").inputs.certificateArn, "arn:aws:acm:us-east-1:123456789012:certificate/a");
    });
  });
});
