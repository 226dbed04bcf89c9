import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { AwsBlueGreenEnvironment } from "../../components/environment/aws";
import { AzureBlueGreenEnvironment } from "../../components/environment/azure";
import { GcpBlueGreenEnvironment } from "../../components/environment/gcp";
import { KubernetesBlueGreenEnvironment } from "../../components/environment/kubernetes";
import { slotCapacities, slotCapacity } from "../../components/environment/slots";
import type { Slot, Weights } from "../../model/weights";
import { byName, diffBuilds, one, ofType, promiseOf, recorded, resetRecorded, settle, unwrap, unknownOutput, useMocks } from "./mocks";

const STEPS = [0, 5, 25, 50, 100];
const w = (green: number): Weights => ({ blue: 100 - green, green });
const slots = { blue: { version: "1.0.0", capacity: 2 }, green: { version: "1.1.0", capacity: 3 } };
const hc = { path: "/healthz" };

interface Opts {
  weights?: pulumi.Input<Weights>;
  scaledDown?: Slot;
  healthCheck?: typeof hc;
}
const build = {
  aws: (o: Opts = {}) =>
    new AwsBlueGreenEnvironment("svc", {
      provider: new aws.Provider("aws-us-east-1", { region: "us-east-1" }),
      service: "hello",
      image: "ecr/hello",
      slots,
      weights: o.weights ?? w(0),
      healthCheck: "healthCheck" in o ? o.healthCheck! : hc,
      network: { vpcId: "vpc-1", subnetIds: ["s1", "s2"], securityGroupIds: ["sg"] },
      scaledDown: o.scaledDown,
    }),
  gcp: (o: Opts = {}) =>
    new GcpBlueGreenEnvironment("svc", {
      provider: new gcp.Provider("gcp-us-central1", { project: "p", region: "us-central1" }),
      service: "hello",
      region: "us-central1",
      image: "gcr.io/p/hello",
      slots,
      weights: o.weights ?? w(0),
      healthCheck: "healthCheck" in o ? o.healthCheck! : hc,
      scaledDown: o.scaledDown,
    }),
  azure: (o: Opts = {}) =>
    new AzureBlueGreenEnvironment("svc", {
      provider: new AzureProvider("azure-westeurope", { location: "westeurope" }),
      service: "hello",
      resourceGroupName: "rg",
      location: "westeurope",
      image: "acr.io/hello",
      slots,
      weights: o.weights ?? w(0),
      healthCheck: "healthCheck" in o ? o.healthCheck! : hc,
      scaledDown: o.scaledDown,
    }),
  kubernetes: (o: Opts = {}) =>
    new KubernetesBlueGreenEnvironment("svc", {
      provider: new k8s.Provider("k8s", { context: "test" }),
      service: "hello",
      namespace: "apps",
      image: "ghcr.io/hello",
      slots,
      weights: o.weights ?? w(0),
      healthCheck: "healthCheck" in o ? o.healthCheck! : hc,
      gateway: { name: "public", hostnames: ["hello.example.com"] },
      scaledDown: o.scaledDown,
    }),
};
type Cloud = keyof typeof build;
const TRAFFIC_RESOURCES: Record<Cloud, string[]> = {
  aws: ["aws:lb/listener:Listener::svc-traffic-listener"],
  gcp: ["gcp:compute/uRLMap:URLMap::svc-traffic-urlmap"],
  azure: ["azure-native:cdn:AFDOrigin::svc-traffic-blue", "azure-native:cdn:AFDOrigin::svc-traffic-green"],
  kubernetes: ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::svc-traffic-route"],
};
/** Where each cloud records a slot's capacity, as [type, name, path]. */
const capacityOf: Record<Cloud, (slot: string) => number | boolean> = {
  aws: (slot) => byName(`svc-${slot}`).inputs.desiredCount,
  gcp: (slot) => byName(`svc-${slot}-run`).inputs.template.scaling.minInstanceCount,
  azure: (slot) => byName(`svc-${slot}-app`).inputs.enabled,
  kubernetes: (slot) => ofType("kubernetes:apps/v1:Deployment").find((d) => d.name === `svc-${slot}`)!.inputs.spec.replicas,
};

describe("BlueGreenEnvironment per cloud", () => {
  before(() => useMocks());

  it("slotCapacity is 0 only for the slot the driver scaled down", () => {
    assert.equal(slotCapacity("green", 3, "green"), 0);
    assert.equal(slotCapacity("blue", 3, "green"), 3);
    assert.equal(slotCapacity("green", 3, undefined), 3);
  });

  it("refuses weight on a slot scaled down to 0, naming the slot and the way back", async () => {
    const capacities = slotCapacities("TestEnvironment", pulumi.output(w(5)), slots, "green");
    assert.equal(await promiseOf(capacities.blue), 2);
    await assert.rejects(promiseOf(capacities.green), /weights\.green: is 5% on a slot scaled down to 0.*bring green back first/s);
    assert.equal(await promiseOf(slotCapacities("TestEnvironment", pulumi.output(w(0)), slots, "green").green), 0);
  });

  describe("AWS", () => {
    it("builds ALB, target group + task definition + ECS service per slot, health checks, wired to the listener", async () => {
      const env = build.aws({ weights: w(25) });
      assert.deepEqual(await promiseOf(env.weights), w(25));
      await settle();
      one("aws:lb/loadBalancer:LoadBalancer");
      const tgs = ofType("aws:lb/targetGroup:TargetGroup");
      assert.equal(tgs.length, 2);
      for (const tg of tgs) assert.equal(tg.inputs.healthCheck.path, "/healthz");
      const task = byName("svc-green-task");
      assert.equal(JSON.parse(task.inputs.containerDefinitions)[0].image, "ecr/hello:1.1.0");
      const svc = byName("svc-green");
      assert.equal(svc.type, "aws:ecs/service:Service");
      assert.equal(svc.inputs.desiredCount, 3);
      assert.equal(svc.inputs.loadBalancers[0].targetGroupArn, "arn:mock:aws:lb/targetGroup:TargetGroup:svc-green-tg");
      const [urn] = await promiseOf(env.trafficUrns);
      assert.match(urn, /switchyard:traffic:AlbTrafficSplit\$aws:lb\/listener:Listener::svc-traffic-listener$/);
      assert.ok(ofType("pulumi:providers:aws").length >= 1, "explicit provider registered");
      assert.ok(ofType("aws:ecs/service:Service").every((s) => s.provider?.includes("pulumi:providers:aws::aws-us-east-1")));
    });
  });

  describe("GCP", () => {
    it("builds Cloud Run + serverless NEG + EXTERNAL_MANAGED backend per slot with probes", async () => {
      const env = build.gcp({ weights: w(50) });
      assert.deepEqual(await promiseOf(env.weights), w(50));
      await settle();
      assert.equal(ofType("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup").length, 2);
      assert.ok(ofType("gcp:compute/backendService:BackendService").every((b) => b.inputs.loadBalancingScheme === "EXTERNAL_MANAGED"));
      const run = byName("svc-blue-run");
      assert.equal(run.inputs.template.containers[0].image, "gcr.io/p/hello:1.0.0");
      assert.equal(run.inputs.template.containers[0].startupProbe.httpGet.path, "/healthz");
      assert.equal(run.inputs.template.containers[0].livenessProbe.httpGet.path, "/healthz");
    });
  });

  describe("Azure", () => {
    it("builds a plan + web app per slot with health check path behind Front Door", async () => {
      const env = build.azure({ weights: w(5) });
      assert.deepEqual(await promiseOf(env.weights), w(5));
      await settle();
      assert.equal(ofType("azure-native:web:AppServicePlan").length, 2);
      const app = byName("svc-green-app");
      assert.equal(app.inputs.siteConfig.healthCheckPath, "/healthz");
      assert.equal(app.inputs.siteConfig.linuxFxVersion, "DOCKER|acr.io/hello:1.1.0");
      assert.equal(byName("svc-green-plan").inputs.sku.capacity, 3);
      assert.equal(one("azure-native:cdn:AFDOriginGroup").inputs.healthProbeSettings.probePath, "/healthz");
    });
    it("can use Traffic Manager instead", async () => {
      const env = new AzureBlueGreenEnvironment("tmenv", { provider: new AzureProvider("az", {}), service: "hello", resourceGroupName: "rg", location: "westeurope", image: "i", slots, weights: w(25), healthCheck: hc, traffic: "traffic-manager" });
      assert.deepEqual(await promiseOf(env.weights), w(25));
      await settle();
      assert.ok(ofType("azure-native:trafficmanager:Profile").some((p) => p.name === "tmenv-traffic-profile"));
    });
    it("rejects an unknown traffic mechanism instead of falling back", () => {
      assert.throws(() => new AzureBlueGreenEnvironment("x", { provider: new AzureProvider("az2", {}), service: "h", resourceGroupName: "rg", location: "l", image: "i", slots, weights: w(0), healthCheck: hc, traffic: "app-gateway" as never }), /traffic: unknown mechanism "app-gateway"/);
    });
  });

  describe("Kubernetes", () => {
    it("builds Deployment + Service per slot with probes and an HTTPRoute", async () => {
      const env = build.kubernetes({ weights: w(100) });
      assert.deepEqual(await promiseOf(env.weights), w(100));
      await settle();
      const dep = ofType("kubernetes:apps/v1:Deployment").find((d) => d.name === "svc-blue")!;
      assert.deepEqual(dep.inputs.spec.selector.matchLabels, { app: "hello", slot: "blue" });
      assert.equal(dep.inputs.spec.template.spec.containers[0].readinessProbe.httpGet.path, "/healthz");
      assert.equal(ofType("kubernetes:core/v1:Service").length, 2);
      one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    });
    it("without a gateway uses the Service switch and rejects partial weights", async () => {
      const base = { provider: new k8s.Provider("k8s2", {}), service: "hello", namespace: "apps", image: "i", slots, healthCheck: hc };
      assert.throws(() => new KubernetesBlueGreenEnvironment("nogw", { ...base, weights: w(25) }), /ServiceSwitch: weights: a Service selector switch is all-or-nothing.*Fix: .*Gateway/);
      const env = new KubernetesBlueGreenEnvironment("nogw2", { ...base, weights: w(100) });
      assert.deepEqual(await promiseOf(env.weights), w(100));
    });
  });

  for (const cloud of Object.keys(build) as Cloud[]) {
    describe(`${cloud}: common behaviour`, () => {
      for (const g of STEPS) {
        it(`exposes effective weights at ${g}% green`, async () => {
          const env = build[cloud]({ weights: w(g) });
          assert.deepEqual(await promiseOf(env.weights), w(g));
          assert.equal(typeof (await promiseOf(env.endpoint)), "string");
        });
      }
      it("a weight change touches only the traffic resources", async () => {
        const { changed, all } = await diffBuilds((v) => void build[cloud]({ weights: v ? w(5) : w(0) }));
        assert.ok(all.length > 6, `expected a full graph, got ${all.length}`);
        assert.deepEqual(changed, TRAFFIC_RESOURCES[cloud]);
      });
      it("names every child ${name}-<role> and registers no resource without an explicit provider", async () => {
        resetRecorded();
        build[cloud]();
        await settle();
        const resources = recorded.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        assert.ok(resources.length >= 5);
        for (const r of resources) {
          assert.match(r.name, /^svc-/, `${r.type} ${r.name}`);
          assert.ok(r.provider && !r.provider.includes("::default"), `${r.type} ${r.name} uses provider ${r.provider}`);
        }
      });
      it("the driver's scale-down sets only the scaled-down slot's capacity to zero", async () => {
        resetRecorded();
        build[cloud]({ weights: w(0), scaledDown: "green" });
        await settle();
        assert.ok([0, false].includes(capacityOf[cloud]("green") as never), `green scaled down: ${capacityOf[cloud]("green")}`);
        assert.ok(![0, false].includes(capacityOf[cloud]("blue") as never), "blue keeps capacity");
      });
      it("without the driver's scale-down, an idle slot keeps its capacity", async () => {
        resetRecorded();
        build[cloud]({ weights: w(0) });
        await settle();
        assert.ok(![0, false].includes(capacityOf[cloud]("green") as never), `green idle but not scaled down: ${capacityOf[cloud]("green")}`);
      });

      it("rejects a missing health check, naming the component, field and fix", () => {
        assert.throws(() => build[cloud]({ healthCheck: undefined }), /BlueGreenEnvironment: healthCheck: a health check is required\. Fix: set healthCheck\.path/);
      });
      it("rejects weights not summing to 100", () => {
        assert.throws(() => build[cloud]({ weights: { blue: 90, green: 20 } }), /weights: blue \+ green must be 100/);
      });
    });
  }

  describe("preview with unknown weights", () => {
    before(() => useMocks({ preview: true }));
    after(() => useMocks());
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      it(`${cloud}: registers the whole graph and leaves weights unknown`, async () => {
        const env = build[cloud]({ weights: unknownOutput<Weights>() });
        assert.equal((await unwrap(env.weights)).known, false);
        await settle();
        for (const key of TRAFFIC_RESOURCES[cloud]) assert.ok(ofType(key.split("::")[0]).length >= 1, key);
      });
    }
  });
});
