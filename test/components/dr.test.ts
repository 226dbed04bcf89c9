import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { AuroraGlobalDatabase } from "../../components/dr/aws-aurora-global";
import { DynamoGlobalTable } from "../../components/dr/aws-dynamodb-global";
import { S3ReplicatedBucket } from "../../components/dr/aws-s3-replication";
import { GeoRedundantStorage } from "../../components/dr/azure-geo-storage";
import { AzureSqlFailoverGroup, gracePeriodMinutes } from "../../components/dr/azure-sql-failover";
import { CloudDnsFailover } from "../../components/dr/cloud-dns-failover";
import { CloudSqlCrossRegionReplica } from "../../components/dr/gcp-sql-replica";
import { assertObjectives, assertStandbyElsewhere, dnsFailoverSeconds } from "../../components/dr/objectives";
import { Route53Failover } from "../../components/dr/route53-failover";
import { S3ToGcsTransfer, transferInterval } from "../../components/dr/s3-to-gcs-transfer";
import { TrafficManagerFailover } from "../../components/dr/traffic-manager-failover";
import { ComponentArgsError } from "../../components/errors";
import { byName, ofType, one, promiseOf, settle, useMocks } from "./mocks";

const awsAt = (region: string) => new aws.Provider(`aws-${region}`, { region });
const gcpAt = (region: string) => new gcp.Provider(`gcp-${region}`, { project: "p", region });
const east = { cloud: "aws" as const, region: "us-east-1" };
const west = { cloud: "aws" as const, region: "us-west-2" };
const hc = { path: "/healthz" };

describe("DR replicas and failover routing", () => {
  before(() => useMocks());

  describe("validation", () => {
    it("rejects a standby in the primary's own region, naming field and fix", () => {
      assert.throws(
        () => assertStandbyElsewhere("switchyard:dr:X", east, { ...east }),
        (e: unknown) => e instanceof ComponentArgsError && e.component === "switchyard:dr:X" && e.field === "standby.region" && /another region or another cloud/.test(e.fix),
      );
      assert.doesNotThrow(() => assertStandbyElsewhere("c", east, { cloud: "gcp", region: "us-east-1" }));
    });
    it("rejects an RPO below the mechanism's floor and negative objectives", () => {
      assert.throws(() => assertObjectives("c", "s3-replication", { rpoSeconds: 60, rtoSeconds: 600 }), /objectives.rpoSeconds: 60 s is below what s3-replication can promise \(900 s\)/);
      assert.throws(() => assertObjectives("c", "aurora-global-database", { rpoSeconds: 1, rtoSeconds: 10 }), /objectives.rtoSeconds/);
      assert.throws(() => assertObjectives("c", "dynamodb-global-table", { rpoSeconds: -1, rtoSeconds: 10 }), /whole number/);
      assert.throws(() => assertObjectives("c", "dynamodb-global-table", undefined), /objectives: are required/);
    });
    it("derives DNS failover time, Azure grace period and transfer interval", () => {
      assert.equal(dnsFailoverSeconds(10, 3, 60), 90);
      assert.equal(gracePeriodMinutes(600), 60);
      assert.equal(gracePeriodMinutes(7200), 120);
      assert.equal(transferInterval(5400), "3600s");
      assert.equal(transferInterval(7200), "7200s");
    });
  });

  describe("AWS data", () => {
    it("S3: versioning on both buckets, one replication config with RTC, providers per region", async () => {
      const dr = new S3ReplicatedBucket("assets", { primary: { ...east, provider: awsAt("us-east-1") }, standby: { ...west, provider: awsAt("us-west-2") }, objectives: { rpoSeconds: 900, rtoSeconds: 3600 } });
      const status = await promiseOf(dr.replication);
      assert.equal(status.mechanism, "s3-replication");
      assert.equal(status.declared, "Enabled");
      assert.match(status.check, /ReplicationLatency/);
      await settle();
      assert.equal(ofType("aws:s3/bucketVersioning:BucketVersioning").length, 2);
      const config = one("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
      assert.equal(config.inputs.rules[0].destination.replicationTime.time.minutes, 15);
      assert.equal(config.inputs.rules[0].destination.bucket, "arn:mock:aws:s3/bucket:Bucket:assets-standby");
      assert.match(byName("assets-standby").provider ?? "", /aws-us-west-2/);
      assert.match(byName("assets-primary").provider ?? "", /aws-us-east-1/);
    });
    it("S3: rejects the same region and a standby on another cloud", () => {
      assert.throws(() => new S3ReplicatedBucket("x", { primary: { ...east, provider: awsAt("us-east-1") }, standby: { ...east, provider: awsAt("us-east-1") }, objectives: { rpoSeconds: 900, rtoSeconds: 60 } }), /S3ReplicatedBucket: standby.region: is the primary's own region/);
      assert.throws(() => new S3ReplicatedBucket("y", { primary: { ...east, provider: awsAt("us-east-1") }, standby: { cloud: "gcp", region: "us-east1", provider: awsAt("us-east-1") }, objectives: { rpoSeconds: 900, rtoSeconds: 60 } }), /standby.cloud: must be aws/);
    });
    it("DynamoDB: global table with a replica in the standby region", async () => {
      const dr = new DynamoGlobalTable("orders", { primary: { ...east, provider: awsAt("us-east-1") }, standby: west, objectives: { rpoSeconds: 5, rtoSeconds: 60 }, hashKey: "pk" });
      assert.equal((await promiseOf(dr.replication)).declared, "us-west-2");
      assert.deepEqual(one("aws:dynamodb/table:Table").inputs.replicas, [{ regionName: "us-west-2", pointInTimeRecovery: true }]);
    });
    it("Aurora: global cluster, writer in the primary, reader cluster in the standby region", async () => {
      const dr = new AuroraGlobalDatabase("db", { primary: { ...east, provider: awsAt("us-east-1") }, standby: { ...west, provider: awsAt("us-west-2") }, objectives: { rpoSeconds: 5, rtoSeconds: 300 } });
      const status = await promiseOf(dr.replication);
      assert.equal(status.standby.region, "us-west-2");
      await settle();
      const clusters = ofType("aws:rds/cluster:Cluster");
      assert.equal(clusters.length, 2);
      assert.ok(clusters.every((c) => c.inputs.globalClusterIdentifier === "db-global-id"));
      assert.match(byName("db-standby").provider ?? "", /aws-us-west-2/);
      assert.equal(byName("db-primary").inputs.manageMasterUserPassword, true);
      // The writer moves only by Aurora's action: exported per site, never a property change.
      const promotions = await promiseOf(dr.promotions);
      assert.match(promotions.standby.command, /^aws rds switchover-global-cluster --global-cluster-identifier db-global-id --target-db-cluster-identifier arn:mock:aws:rds\/cluster:Cluster:db-standby/);
      assert.equal(promotions.standby.region, "us-west-2");
    });
  });

  describe("GCP and Azure data", () => {
    it("Cloud SQL: replica of the primary in another region", async () => {
      const dr = new CloudSqlCrossRegionReplica("pg", { primary: { cloud: "gcp", region: "us-central1", provider: gcpAt("us-central1") }, standby: { cloud: "gcp", region: "us-east1", provider: gcpAt("us-east1") }, objectives: { rpoSeconds: 60, rtoSeconds: 600 } });
      assert.equal((await promiseOf(dr.replication)).declared, "replica-of=pg-primary");
      await settle();
      const replica = byName("pg-standby");
      assert.equal(replica.inputs.instanceType, "READ_REPLICA_INSTANCE");
      assert.equal(replica.inputs.region, "us-east1");
      assert.equal(byName("pg-primary").inputs.settings.backupConfiguration.pointInTimeRecoveryEnabled, true);
    });
    it("Azure SQL: failover group over two servers, Entra-only auth, grace period from the RTO", async () => {
      const dr = new AzureSqlFailoverGroup("sql", { provider: new AzureProvider("az", {}), resourceGroupName: "rg", primary: { cloud: "azure", region: "westeurope" }, standby: { cloud: "azure", region: "northeurope" }, objectives: { rpoSeconds: 5, rtoSeconds: 7200 }, admin: { login: "dba", objectId: "00000000-0000-0000-0000-000000000001" } });
      assert.equal((await promiseOf(dr.endpoints)).readWrite, "sql-fog.database.windows.net");
      await settle();
      const fog = one("azure-native:sql:FailoverGroup");
      assert.deepEqual(fog.inputs.readWriteEndpoint, { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 120 });
      assert.ok(ofType("azure-native:sql:Server").every((s) => s.inputs.administrators.azureADOnlyAuthentication === true && s.inputs.administratorLoginPassword === undefined));
    });
    it("Azure SQL: an automatic RTO under an hour is an error with a fix", () => {
      assert.throws(() => new AzureSqlFailoverGroup("sql2", { provider: new AzureProvider("az2", {}), resourceGroupName: "rg", primary: { cloud: "azure", region: "westeurope" }, standby: { cloud: "azure", region: "northeurope" }, objectives: { rpoSeconds: 5, rtoSeconds: 600 }, admin: { login: "dba", objectId: "x" } }), /Fix: set failoverPolicy: "Manual"/);
    });
    it("Azure storage: geo-redundant SKU only", async () => {
      const dr = new GeoRedundantStorage("blobs", { provider: new AzureProvider("az3", {}), resourceGroupName: "rg", primary: { cloud: "azure", region: "westeurope" }, objectives: { rpoSeconds: 900, rtoSeconds: 3600 } });
      assert.equal((await promiseOf(dr.replication)).declared, "Standard_RAGZRS");
      assert.throws(() => new GeoRedundantStorage("lrs", { provider: new AzureProvider("az4", {}), resourceGroupName: "rg", primary: { cloud: "azure", region: "westeurope" }, objectives: { rpoSeconds: 900, rtoSeconds: 3600 }, sku: "Standard_LRS" as never }), /sku: "Standard_LRS" is not geo-redundant/);
    });
    it("cross-cloud: S3 pulled into GCS by a transfer job through a federated role", async () => {
      const dr = new S3ToGcsTransfer("copy", {
        primary: { ...east, provider: awsAt("us-east-1"), bucketName: "assets", bucketArn: "arn:aws:s3:::assets" },
        standby: { cloud: "gcp", region: "us-east1", provider: gcpAt("us-east1"), project: "p" },
        objectives: { rpoSeconds: 3600, rtoSeconds: 3600 },
      });
      const status = await promiseOf(dr.replication);
      assert.deepEqual([status.primary.cloud, status.standby.cloud], ["aws", "gcp"]);
      await settle();
      const job = one("gcp:storage/transferJob:TransferJob");
      assert.equal(job.inputs.schedule.repeatInterval, "3600s");
      assert.equal(job.inputs.transferSpec.awsS3DataSource.roleArn, "arn:mock:aws:iam/role:Role:copy-role");
      const trust = JSON.parse(byName("copy-role").inputs.assumeRolePolicy);
      assert.equal(trust.Statement[0].Condition.StringEquals["accounts.google.com:sub"], "1234567890");
    });
  });

  describe("failover routing", () => {
    it("Route 53: PRIMARY alias + SECONDARY A record on another cloud, each health-checked", async () => {
      const dr = new Route53Failover("dr", {
        provider: awsAt("us-east-1"),
        zoneId: "Z1",
        recordName: "app.example.com",
        primary: { ...east, target: { alias: { name: "alb.us-east-1.elb.amazonaws.com", zoneId: "ZALB" } } },
        standby: { cloud: "gcp", region: "us-east1", target: { ip: "203.0.113.20" } },
        objectives: { rpoSeconds: 3600, rtoSeconds: 120 },
        healthCheck: hc,
      });
      assert.deepEqual(await promiseOf(dr.failover), { name: "app.example.com", primary: "https://alb.us-east-1.elb.amazonaws.com", standby: "https://203.0.113.20" });
      await settle();
      const records = ofType("aws:route53/record:Record");
      assert.deepEqual(records.map((r) => r.inputs.failoverRoutingPolicies[0].type).sort(), ["PRIMARY", "SECONDARY"]);
      assert.ok(records.every((r) => r.inputs.healthCheckId && r.inputs.type === "A"));
      const checks = ofType("aws:route53/healthCheck:HealthCheck");
      assert.equal(checks.length, 2);
      assert.equal(byName("dr-standby-health").inputs.ipAddress, "203.0.113.20");
      assert.equal(byName("dr-primary-health").inputs.resourcePath, "/healthz");
    });
    it("Route 53 serving the standby: the PRIMARY record takes the standby's target and check; each site keeps its check", async () => {
      const dr = new Route53Failover("flip", {
        provider: awsAt("us-east-1"),
        zoneId: "Z1",
        recordName: "app.example.com",
        primary: { ...east, target: { alias: { name: "east.elb", zoneId: "ZE" } } },
        standby: { cloud: "gcp", region: "us-east1", target: { ip: "203.0.113.20" } },
        objectives: { rpoSeconds: 3600, rtoSeconds: 120 },
        healthCheck: hc,
        serving: "standby",
      });
      const urns = await promiseOf(dr.routingUrns);
      await settle();
      assert.deepEqual(urns.map((u) => u.split("::").at(-1)).sort(), ["flip-primary", "flip-standby"]);
      const primary = byName("flip-primary").inputs;
      assert.deepEqual([primary.failoverRoutingPolicies[0].type, primary.records, primary.healthCheckId], ["PRIMARY", ["203.0.113.20"], "flip-standby-health-id"]);
      const secondary = byName("flip-standby").inputs;
      assert.deepEqual([secondary.failoverRoutingPolicies[0].type, secondary.aliases[0].name, secondary.healthCheckId], ["SECONDARY", "east.elb", "flip-primary-health-id"]);
      assert.equal(byName("flip-standby-health").inputs.ipAddress, "203.0.113.20");
      assert.throws(() => new Route53Failover("bad", { provider: awsAt("us-east-1"), zoneId: "Z", recordName: "a.example.com", primary: { ...east, target: { cname: "a" } }, standby: { ...west, target: { cname: "b" } }, objectives: { rpoSeconds: 0, rtoSeconds: 600 }, healthCheck: hc, serving: "west" as never }), /serving: must be "primary" or "standby"/);
    });
    it("Route 53: an RTO shorter than detection + TTL is an error", () => {
      assert.throws(
        () => new Route53Failover("slow", { provider: awsAt("us-east-1"), zoneId: "Z", recordName: "a.example.com", primary: { ...east, target: { cname: "a" } }, standby: { ...west, target: { cname: "b" } }, objectives: { rpoSeconds: 0, rtoSeconds: 60 }, healthCheck: { path: "/h", intervalSeconds: 30 } }),
        /objectives.rtoSeconds: 60 s cannot be met: detection \(30 s x 3\) plus TTL 60 s takes up to 150 s/,
      );
      assert.throws(() => new Route53Failover("nohc", { provider: awsAt("us-east-1"), zoneId: "Z", recordName: "a.example.com", primary: { ...east, target: { cname: "a" } }, standby: { ...west, target: { cname: "b" } }, objectives: { rpoSeconds: 0, rtoSeconds: 600 }, healthCheck: undefined as never }), /healthCheck: a health check is required/);
    });
    it("Cloud DNS: primary/backup record with a health check", async () => {
      const dr = new CloudDnsFailover("gdns", { provider: gcpAt("us-central1"), managedZone: "zone", recordName: "app.example.com.", primary: { cloud: "gcp", region: "us-central1", ip: "203.0.113.10" }, standby: { cloud: "gcp", region: "europe-west1", ip: "203.0.113.20" }, objectives: { rpoSeconds: 60, rtoSeconds: 120 }, healthCheck: hc });
      assert.equal((await promiseOf(dr.failover)).standby, "http://203.0.113.20");
      await settle();
      const record = one("gcp:dns/recordSet:RecordSet");
      assert.equal(record.inputs.routingPolicy.healthCheck, "gdns-health-id");
      assert.deepEqual(record.inputs.routingPolicy.primaryBackup.backupGeos[0].healthCheckedTargets.externalEndpoints, ["203.0.113.20"]);
      assert.throws(() => new CloudDnsFailover("g3", { provider: gcpAt("us-central1"), managedZone: "zone", recordName: "app.example.com.", primary: { cloud: "gcp", region: "us-central1", ip: "1" }, standby: { cloud: "aws", region: "us-east-1", ip: "2" }, objectives: { rpoSeconds: 60, rtoSeconds: 120 }, healthCheck: hc }), /backupLocation: is required when the standby is on aws/);
      assert.throws(() => new CloudDnsFailover("g2", { provider: gcpAt("us-central1"), managedZone: "zone", recordName: "app.example.com", primary: { cloud: "gcp", region: "a", ip: "1" }, standby: { cloud: "gcp", region: "b", ip: "2" }, objectives: { rpoSeconds: 60, rtoSeconds: 120 }, healthCheck: hc }), /recordName: must end with a dot/);
    });
    it("Traffic Manager: priority routing, primary 1 and standby 2", async () => {
      const dr = new TrafficManagerFailover("tmdr", { provider: new AzureProvider("az5", {}), resourceGroupName: "rg", relativeName: "app-dr", primary: { cloud: "azure", region: "westeurope", host: "p.example.com" }, standby: { cloud: "azure", region: "northeurope", host: "s.example.com" }, objectives: { rpoSeconds: 5, rtoSeconds: 120 }, healthCheck: hc });
      assert.equal((await promiseOf(dr.failover)).name, "app-dr.trafficmanager.mock");
      const profile = one("azure-native:trafficmanager:Profile");
      assert.equal(profile.inputs.trafficRoutingMethod, "Priority");
      assert.deepEqual(profile.inputs.endpoints.map((e: { name: string; priority: number }) => [e.name, e.priority]), [["primary", 1], ["standby", 2]]);
    });
  });
});
