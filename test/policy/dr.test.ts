import assert from "node:assert/strict";
import { drFailoverHealthChecks } from "../../policy/rules/dr/failover-health-checks";
import { drReplication } from "../../policy/rules/dr/replication";
import { drRpoDeclared } from "../../policy/rules/dr/rpo-declared";
import { drStandbyRegion } from "../../policy/rules/dr/standby-region";
import { stackWith, validate, validateStack, whys } from "./harness";

const GOOD = { primary: { cloud: "aws", region: "us-east-1" }, standby: { cloud: "aws", region: "us-west-2" }, replication: { enabled: true }, rpoSeconds: 900 };
const dr = (overrides: Record<string, unknown> = {}) => stackWith({ drPlan: { ...GOOD, ...overrides } });

describe("policy dr-standby-region", () => {
  it("passes another region", async () => assert.deepEqual(await validateStack(drStandbyRegion, [dr()]), []));
  it("passes another cloud in a same-named region", async () =>
    assert.deepEqual(await validateStack(drStandbyRegion, [dr({ standby: { cloud: "gcp", region: "us-east-1" } })]), []));
  it("fails the primary's own region", async () => assert.equal((await validateStack(drStandbyRegion, [dr({ standby: { cloud: "aws", region: "us-east-1" } })])).length, 1));
  it("fails an undeclared standby", async () => assert.match(whys(await validateStack(drStandbyRegion, [dr({ standby: {} })]))[0]!, /names no standby/));
  it("fails a DynamoDB replica in the table's provider region", async () => {
    const table = { type: "aws:dynamodb/table:Table", name: "orders", props: { replicas: [{ regionName: "us-east-1" }] }, provider: { region: "us-east-1" } };
    assert.equal((await validateStack(drStandbyRegion, [table])).length, 1);
    assert.deepEqual(await validateStack(drStandbyRegion, [{ ...table, props: { replicas: [{ regionName: "us-west-2" }] } }]), []);
  });
  it("fails a Cloud SQL replica next to its primary", async () => {
    const primary = { type: "gcp:sql/databaseInstance:DatabaseInstance", name: "pg", props: { name: "pg", region: "us-central1" } };
    const replica = { type: "gcp:sql/databaseInstance:DatabaseInstance", name: "pg-replica", props: { masterInstanceName: "pg", region: "us-central1" } };
    assert.equal((await validateStack(drStandbyRegion, [primary, replica])).length, 1);
    assert.deepEqual(await validateStack(drStandbyRegion, [primary, { ...replica, props: { ...replica.props, region: "us-east1" } }]), []);
  });
  it("fails a Cosmos DB account listing a region twice", async () => {
    const cosmos = { type: "azure-native:cosmosdb:DatabaseAccount", props: { locations: [{ locationName: "westeurope" }, { locationName: "West Europe" }] } };
    assert.equal((await validateStack(drStandbyRegion, [cosmos])).length, 1);
  });
});

describe("policy dr-replication-enabled", () => {
  it("passes replication on", async () => assert.deepEqual(await validateStack(drReplication, [dr()]), []));
  it("fails replication off", async () => assert.deepEqual(whys(await validateStack(drReplication, [dr({ replication: false })])), ["the DR plan turns replication off"]));
  it("fails a disabled S3 replication rule", async () => {
    const config = { type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig", props: { rules: [{ id: "all", status: "Disabled" }] } };
    assert.equal((await validateStack(drReplication, [config])).length, 1);
    assert.deepEqual(await validateStack(drReplication, [{ ...config, props: { rules: [{ id: "all", status: "Enabled" }] } }]), []);
  });
});

describe("policy dr-failover-health-checks", () => {
  const record = (props: Record<string, unknown>) => ({ type: "aws:route53/record:Record", props: { failoverRoutingPolicies: [{ type: "PRIMARY" }], ...props } });
  it("fails a primary failover record without a health check", async () => assert.equal((await validate(drFailoverHealthChecks, record({}))).length, 1));
  it("passes one with a health check", async () => assert.deepEqual(await validate(drFailoverHealthChecks, record({ healthCheckId: "hc-1" })), []));
  it("passes a secondary without one", async () => assert.deepEqual(await validate(drFailoverHealthChecks, record({ failoverRoutingPolicies: [{ type: "SECONDARY" }] })), []));
  it("fails a Priority Traffic Manager profile without monitoring", async () =>
    assert.equal((await validate(drFailoverHealthChecks, { type: "azure-native:trafficmanager:Profile", props: { trafficRoutingMethod: "Priority" } })).length, 1));
  it("fails a Cloud DNS primary/backup without a health check", async () => {
    const rs = { type: "gcp:dns/recordSet:RecordSet", props: { routingPolicy: { primaryBackup: { primary: { externalEndpoints: ["203.0.113.10"] } } } } };
    assert.equal((await validate(drFailoverHealthChecks, rs)).length, 1);
    assert.deepEqual(await validate(drFailoverHealthChecks, { ...rs, props: { routingPolicy: { ...rs.props.routingPolicy, healthCheck: "hc" } } }), []);
  });
});

describe("policy dr-rpo-declared", () => {
  it("passes a declared RPO", async () => assert.deepEqual(await validateStack(drRpoDeclared, [dr()]), []));
  it("fails a DR plan without an RPO", async () => assert.deepEqual(whys(await validateStack(drRpoDeclared, [dr({ rpoSeconds: undefined })])), ["stack output drPlan declares no RPO"]));
  it("fails DR resources without any plan", async () =>
    assert.match(whys(await validateStack(drRpoDeclared, [{ type: "aws:rds/globalCluster:GlobalCluster", name: "global", props: {} }]))[0]!, /global sets up DR/));
  it("fails an RPO above the maximum", async () => assert.equal((await validateStack(drRpoDeclared, [dr()], { maxRpoSeconds: 300 })).length, 1));
  it("ignores stacks without DR", async () => assert.deepEqual(await validateStack(drRpoDeclared, [stackWith({})]), []));
});
