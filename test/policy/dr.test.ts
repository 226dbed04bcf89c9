import assert from "node:assert/strict";
import { drFailoverHealthChecks } from "../../policy/rules/dr/failover-health-checks";
import { drReplication } from "../../policy/rules/dr/replication";
import { drRpoDeclared } from "../../policy/rules/dr/rpo-declared";
import { drStandbyHealthy } from "../../policy/rules/dr/standby-healthy";
import { drStandbyRegion } from "../../policy/rules/dr/standby-region";
import { stackWith, UNKNOWN_INPUT, validate, validateStack, whys } from "./harness";

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

describe("policy dr-standby-healthy", () => {
  const R53 = "aws:route53/record:Record";
  const rec = (name: string, type: "PRIMARY" | "SECONDARY", props: Record<string, unknown> = {}) => ({
    type: R53,
    name,
    props: { zoneId: "Z1", name: "app.example.com", type: "A", setIdentifier: name, failoverRoutingPolicies: [{ type }], healthCheckId: `${name}-hc`, ...props },
  });
  const east = { cloud: "aws", region: "us-east-1" };
  const west = { cloud: "aws", region: "us-west-2" };
  const plan = (overrides: Record<string, unknown>) => dr({ serving: east, dataPrimary: east, promoteData: true, inFlight: false, ...overrides });

  it("passes a checked PRIMARY and SECONDARY pair", async () => assert.deepEqual(await validateStack(drStandbyHealthy, [rec("primary", "PRIMARY"), rec("standby", "SECONDARY")]), []));
  it("passes a SECONDARY whose health check id is unknown during preview", async () =>
    assert.deepEqual(await validateStack(drStandbyHealthy, [rec("primary", "PRIMARY"), rec("standby", "SECONDARY", { healthCheckId: UNKNOWN_INPUT })]), []));
  it("fails a SECONDARY without a health check", async () =>
    assert.match(whys(await validateStack(drStandbyHealthy, [rec("primary", "PRIMARY"), rec("standby", "SECONDARY", { healthCheckId: undefined })]))[0]!, /SECONDARY failover record standby has no health check/));
  it("fails a PRIMARY with no SECONDARY of its name", async () => {
    const found = whys(await validateStack(drStandbyHealthy, [rec("primary", "PRIMARY"), rec("other", "SECONDARY", { name: "other.example.com" })]));
    assert.deepEqual(found, ["failover record primary (app.example.com) has no SECONDARY record: there is no standby to fail over to"]);
  });
  it("fails a Priority Traffic Manager profile whose standby endpoint is disabled", async () => {
    const profile = (status: string) => ({
      type: "azure-native:trafficmanager:Profile",
      name: "tm",
      props: { trafficRoutingMethod: "Priority", endpoints: [{ name: "primary", priority: 1, endpointStatus: "Enabled" }, { name: "standby", priority: 2, endpointStatus: status }] },
    });
    assert.match(whys(await validateStack(drStandbyHealthy, [profile("Disabled")]))[0]!, /1 enabled endpoint/);
    assert.deepEqual(await validateStack(drStandbyHealthy, [profile("Enabled")]), []);
  });
  it("fails a Cloud DNS primary/backup without a health-checked backup", async () => {
    const rs = (backupGeos: unknown[]) => ({ type: "gcp:dns/recordSet:RecordSet", name: "rs", props: { routingPolicy: { healthCheck: "hc", primaryBackup: { primary: { externalEndpoints: ["203.0.113.10"] }, backupGeos } } } });
    assert.match(whys(await validateStack(drStandbyHealthy, [rs([])]))[0]!, /has no backup/);
    assert.match(whys(await validateStack(drStandbyHealthy, [rs([{ location: "us-east1", rrdatas: ["203.0.113.20"] }])]))[0]!, /Cloud DNS never checks them/);
    assert.deepEqual(await validateStack(drStandbyHealthy, [rs([{ location: "us-east1", healthCheckedTargets: { externalEndpoints: ["203.0.113.20"] } }])]), []);
  });
  it("passes a plan serving either of its sites with the data there", async () => {
    assert.deepEqual(await validateStack(drStandbyHealthy, [plan({})]), []);
    assert.deepEqual(await validateStack(drStandbyHealthy, [plan({ serving: west, dataPrimary: west })]), []);
  });
  it("fails a plan that makes a third region serve", async () =>
    assert.match(whys(await validateStack(drStandbyHealthy, [plan({ serving: { cloud: "aws", region: "eu-west-1" }, dataPrimary: undefined })]))[0]!, /makes aws eu-west-1 serve, which is neither its primary/));
  it("fails a settled failover whose data primary stayed behind", async () =>
    assert.deepEqual(whys(await validateStack(drStandbyHealthy, [plan({ serving: west })])), ["aws us-west-2 serves all traffic but the data primary is aws us-east-1: writes cross regions, or reach a replica that refuses them"]));
  it("accepts the data behind the traffic while a failover is in flight, or when promotion is off", async () => {
    assert.deepEqual(await validateStack(drStandbyHealthy, [plan({ serving: west, inFlight: true })]), []);
    assert.deepEqual(await validateStack(drStandbyHealthy, [plan({ serving: west, promoteData: false })]), []);
  });
});
