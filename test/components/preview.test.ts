/** `pulumi preview` with weights computed by another resource: nothing may hang or throw. */
import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { KubernetesBlueGreenEnvironment } from "../../components/environment/kubernetes";
import { Route53Failover } from "../../components/dr/route53-failover";
import { S3ToGcsTransfer } from "../../components/dr/s3-to-gcs-transfer";
import { Route53WeightedSplit } from "../../components/traffic/aws-route53";
import { FrontDoorSplit } from "../../components/traffic/azure-front-door";
import { CloudRunTrafficSplit } from "../../components/traffic/gcp-cloud-run";
import { HttpRouteSplit } from "../../components/traffic/k8s-http-route";
import { ServiceSwitch } from "../../components/traffic/k8s-service-switch";
import type { Weights } from "../../model/weights";
import { ofType, promiseOf, settle, unwrap, unknownOutput, useMocks } from "./mocks";

const hc = { path: "/healthz" };

describe("preview with unknown values", () => {
  before(() => useMocks({ preview: true }));
  after(() => useMocks());

  const cases: [string, string, () => { weights: import("@pulumi/pulumi").Output<Weights> }][] = [
    ["Route53WeightedSplit", "aws:route53/record:Record", () => new Route53WeightedSplit("r53", { provider: new aws.Provider("a1", { region: "us-east-1" }), zoneId: "Z", recordName: "app.example.com", targets: { blue: { cname: "b" }, green: { cname: "g" } }, weights: unknownOutput() })],
    ["CloudRunTrafficSplit", "gcp:cloudrunv2/service:Service", () => new CloudRunTrafficSplit("cr", { provider: new gcp.Provider("g1", {}), service: "s", region: "us-central1", image: "i", versions: { blue: "1", green: "2" }, templateSlot: "green", weights: unknownOutput(), healthCheck: hc })],
    ["FrontDoorSplit", "azure-native:cdn:AFDOrigin", () => new FrontDoorSplit("fd", { provider: new AzureProvider("z1", {}), resourceGroupName: "rg", targets: { blue: "b", green: "g" }, weights: unknownOutput(), healthCheck: hc })],
    ["HttpRouteSplit", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", () => new HttpRouteSplit("hr", { provider: new k8s.Provider("k1", {}), namespace: "apps", gateway: { name: "gw" }, services: { blue: "b", green: "g" }, hostnames: ["h.example.com"], weights: unknownOutput() })],
    ["ServiceSwitch", "kubernetes:core/v1:Service", () => new ServiceSwitch("sw", { provider: new k8s.Provider("k2", {}), namespace: "apps", serviceName: "s", selector: { app: "s" }, targetPort: 8080, weights: unknownOutput() })],
    [
      "KubernetesBlueGreenEnvironment",
      "kubernetes:apps/v1:Deployment",
      () => new KubernetesBlueGreenEnvironment("kenv", { provider: new k8s.Provider("k3", {}), service: "s", namespace: "apps", image: "i", slots: { blue: { version: "1", capacity: 1 }, green: { version: "2", capacity: 1 } }, weights: unknownOutput(), healthCheck: hc, scaledDown: "green" }),
    ],
  ];
  for (const [name, type, make] of cases) {
    it(`${name}: registers ${type} and reports weights as unknown`, async () => {
      const component = make();
      assert.equal((await unwrap(component.weights)).known, false);
      await settle();
      assert.ok(ofType(type).length >= 1);
    });
  }

  it("DR: failover and cross-cloud copy with endpoints unknown until the LBs exist", async () => {
    const failover = new Route53Failover("pvdr", {
      provider: new aws.Provider("a2", { region: "us-east-1" }),
      zoneId: "Z",
      recordName: "app.example.com",
      primary: { cloud: "aws", region: "us-east-1", target: { alias: { name: unknownOutput<string>(), zoneId: "ZA" } } },
      standby: { cloud: "gcp", region: "us-east1", target: { ip: unknownOutput<string>() } },
      objectives: { rpoSeconds: 3600, rtoSeconds: 300 },
      healthCheck: hc,
    });
    const copy = new S3ToGcsTransfer("pvcopy", {
      primary: { cloud: "aws", region: "us-east-1", provider: new aws.Provider("a3", { region: "us-east-1" }), bucketName: unknownOutput<string>(), bucketArn: unknownOutput<string>() },
      standby: { cloud: "gcp", region: "us-east1", provider: new gcp.Provider("g2", {}), project: "p" },
      objectives: { rpoSeconds: 3600, rtoSeconds: 300 },
    });
    assert.equal((await unwrap(failover.failover)).known, false);
    assert.equal((await unwrap(copy.replication)).known, false);
    await settle();
    assert.equal(ofType("aws:route53/healthCheck:HealthCheck").length, 2);
    assert.equal(ofType("gcp:storage/transferJob:TransferJob").length, 1);
    assert.equal(await promiseOf(copy.standbyBucket.urn).then((u) => u.endsWith("::pvcopy-standby")), true);
  });
});
