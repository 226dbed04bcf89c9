import assert from "node:assert/strict";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ComponentArgsError } from "../../components/errors";
import { FrontDoorSplit, toFrontDoorOrigins } from "../../components/traffic/azure-front-door";
import { fromTrafficManagerEndpoints, toTrafficManagerEndpoints, TrafficManagerSplit } from "../../components/traffic/azure-traffic-manager";
import { CloudRunTrafficSplit, revisionName, toCloudRunTraffic } from "../../components/traffic/gcp-cloud-run";
import { toUrlMapWeights, UrlMapTrafficSplit } from "../../components/traffic/gcp-url-map";
import { HttpRouteSplit, toHttpRouteBackendRefs } from "../../components/traffic/k8s-http-route";
import { ServiceSwitch, toServiceSelectorSlot } from "../../components/traffic/k8s-service-switch";
import { diffBuilds, one, ofType, promiseOf, settle, unwrap, unknownOutput, useMocks } from "./mocks";

const STEPS = [0, 5, 25, 50, 100];
const w = (green: number) => ({ blue: 100 - green, green });
const hc = { path: "/healthz" };
const gcpProvider = () => new gcp.Provider("gcp-us-central1", { project: "p", region: "us-central1" });
const azProvider = () => new AzureProvider("azure-westeurope", { location: "westeurope" });
const k8sProvider = () => new k8s.Provider("k8s", { context: "test" });

const urlMap = (green: number | ReturnType<typeof unknownOutput<{ blue: number; green: number }>>) =>
  new UrlMapTrafficSplit("lb", { provider: gcpProvider(), backendServices: { blue: "bs-blue", green: "bs-green" }, weights: typeof green === "number" ? w(green) : green });
const cloudRun = (green: number) =>
  new CloudRunTrafficSplit("run", { provider: gcpProvider(), service: "hello", region: "us-central1", image: "gcr.io/p/hello", versions: { blue: "1.0.0", green: "1.1.0" }, templateSlot: "green", weights: w(green), healthCheck: hc });
const tm = (green: number) =>
  new TrafficManagerSplit("tm", { provider: azProvider(), resourceGroupName: "rg", relativeName: "hello-bg", targets: { blue: "blue.example.com", green: "green.example.com" }, weights: w(green), healthCheck: hc });
const afd = (green: number) =>
  new FrontDoorSplit("afd", { provider: azProvider(), resourceGroupName: "rg", targets: { blue: "blue.example.com", green: "green.example.com" }, weights: w(green), healthCheck: hc });
const route = (green: number) =>
  new HttpRouteSplit("route", { provider: k8sProvider(), namespace: "apps", gateway: { name: "public", namespace: "gw" }, services: { blue: "hello-blue", green: "hello-green" }, hostnames: ["hello.example.com"], weights: w(green) });
const svcSwitch = (green: number) =>
  new ServiceSwitch("switch", { provider: k8sProvider(), namespace: "apps", serviceName: "hello", selector: { app: "hello" }, targetPort: 8080, weights: w(green) });

describe("traffic splits on GCP, Azure and Kubernetes", () => {
  before(() => useMocks());

  describe("native weight mappings at 0/5/25/50/100", () => {
    for (const g of STEPS) {
      it(`${g}% green`, () => {
        assert.deepEqual(toUrlMapWeights(w(g)), { blue: 100 - g, green: g });
        assert.deepEqual(toCloudRunTraffic(w(g), { blue: "r-b", green: "r-g" }).map((e) => [e.tag, e.percent, e.revision]), [["blue", 100 - g, "r-b"], ["green", g, "r-g"]]);
        assert.deepEqual(toHttpRouteBackendRefs(w(g), { blue: "b", green: "g" }, 80).map((r) => r.weight), [100 - g, g]);
        const tmStates = toTrafficManagerEndpoints(w(g));
        const fdStates = toFrontDoorOrigins(w(g));
        for (const [slot, pct] of [["blue", 100 - g], ["green", g]] as const) {
          // Azure: no zero weight; 0% is a disabled endpoint/origin of weight 1, never out of 1..1000.
          assert.deepEqual(tmStates[slot], pct === 0 ? { weight: 1, endpointStatus: "Disabled" } : { weight: pct, endpointStatus: "Enabled" });
          assert.deepEqual(fdStates[slot], pct === 0 ? { weight: 1, enabledState: "Disabled" } : { weight: pct, enabledState: "Enabled" });
        }
        assert.deepEqual(fromTrafficManagerEndpoints(tmStates), w(g));
      });
    }
    it("service switch accepts only 0/100", () => {
      assert.equal(toServiceSelectorSlot(w(0)), "blue");
      assert.equal(toServiceSelectorSlot(w(100)), "green");
      for (const g of [5, 25, 50]) {
        assert.throws(() => toServiceSelectorSlot(w(g)), (e: unknown) => e instanceof ComponentArgsError && e.field === "weights" && /all-or-nothing/.test(e.message) && /Gateway/.test(e.fix));
      }
    });
    it("every mapping rejects weights not summing to 100", () => {
      for (const f of [toUrlMapWeights, toTrafficManagerEndpoints, toFrontDoorOrigins, toServiceSelectorSlot]) {
        assert.throws(() => f({ blue: 60, green: 60 }), /must be 100/);
      }
    });
  });

  describe("UrlMapTrafficSplit", () => {
    it("builds URL map, proxy and EXTERNAL_MANAGED forwarding rule", async () => {
      const split = urlMap(25);
      assert.deepEqual(await promiseOf(split.weights), { blue: 75, green: 25 });
      await settle();
      const map = one("gcp:compute/uRLMap:URLMap");
      assert.equal(map.inputs.defaultService, undefined);
      assert.deepEqual(map.inputs.defaultRouteAction.weightedBackendServices, [{ backendService: "bs-blue", weight: 75 }, { backendService: "bs-green", weight: 25 }]);
      assert.equal(one("gcp:compute/globalForwardingRule:GlobalForwardingRule").inputs.loadBalancingScheme, "EXTERNAL_MANAGED");
      assert.match(await promiseOf(split.endpoint), /^http:\/\/198\.51\.100\.\d+$/);
    });
    it("a weight change touches only the URL map", async () => {
      const { changed } = await diffBuilds((v) => void urlMap(v ? 50 : 5));
      assert.deepEqual(changed, ["gcp:compute/uRLMap:URLMap::lb-urlmap"]);
    });
  });

  describe("CloudRunTrafficSplit", () => {
    it("deploys the template slot's revision with probes and splits by percent", async () => {
      const split = cloudRun(5);
      assert.deepEqual(await promiseOf(split.weights), { blue: 95, green: 5 });
      const svc = one("gcp:cloudrunv2/service:Service");
      assert.equal(svc.inputs.template.revision, "hello-green-1-1-0");
      assert.equal(svc.inputs.template.containers[0].image, "gcr.io/p/hello:1.1.0");
      assert.equal(svc.inputs.template.containers[0].startupProbe.httpGet.path, "/healthz");
      assert.deepEqual(svc.inputs.traffics.map((t: { revision: string }) => t.revision), ["hello-blue-1-0-0", "hello-green-1-1-0"]);
    });
    it("a weight change touches only the traffics of the service", async () => {
      const { changed } = await diffBuilds((v) => void cloudRun(v ? 100 : 0));
      assert.deepEqual(changed, ["gcp:cloudrunv2/service:Service::run-service"]);
    });
    it("rejects a missing health check and an unusable revision name", () => {
      assert.throws(() => new CloudRunTrafficSplit("x", { provider: gcpProvider(), service: "s", region: "r", image: "i", versions: { blue: "1", green: "2" }, templateSlot: "blue", weights: w(0), healthCheck: undefined as never }), /CloudRunTrafficSplit: healthCheck: a health check is required/);
      assert.throws(() => revisionName("hello", "blue", "..."), /slots.blue.version/);
    });
  });

  describe("TrafficManagerSplit", () => {
    it("declares weighted endpoints inline with a health monitor", async () => {
      const split = tm(0);
      assert.deepEqual(await promiseOf(split.weights), { blue: 100, green: 0 });
      const profile = one("azure-native:trafficmanager:Profile");
      assert.equal(profile.inputs.trafficRoutingMethod, "Weighted");
      assert.equal(profile.inputs.location, "global");
      assert.equal(profile.inputs.monitorConfig.path, "/healthz");
      assert.deepEqual(profile.inputs.endpoints.map((e: { name: string; weight: number; endpointStatus: string }) => [e.name, e.weight, e.endpointStatus]), [["blue", 100, "Enabled"], ["green", 1, "Disabled"]]);
      assert.equal(await promiseOf(split.endpoint), "https://hello-bg.trafficmanager.mock");
    });
    it("a weight change touches only the profile", async () => {
      const { changed } = await diffBuilds((v) => void tm(v ? 5 : 0));
      assert.deepEqual(changed, ["azure-native:trafficmanager:Profile::tm-profile"]);
    });
    it("rejects an unsupported probe interval and a missing health check", () => {
      assert.throws(() => new TrafficManagerSplit("bad", { provider: azProvider(), resourceGroupName: "rg", relativeName: "x1", targets: { blue: "b", green: "g" }, weights: w(0), healthCheck: { path: "/h", intervalSeconds: 15 } }), /intervalSeconds: must be 10 or 30/);
      assert.throws(() => new TrafficManagerSplit("bad2", { provider: azProvider(), resourceGroupName: "rg", relativeName: "x1", targets: { blue: "b", green: "g" }, weights: w(0), healthCheck: { path: "" } }), /healthCheck: a health check is required/);
    });
  });

  describe("FrontDoorSplit", () => {
    it("builds profile, endpoint, probed origin group, two origins at one priority, and a route", async () => {
      const split = afd(50);
      assert.deepEqual(await promiseOf(split.weights), { blue: 50, green: 50 });
      await settle();
      assert.equal(one("azure-native:cdn:AFDOriginGroup").inputs.healthProbeSettings.probePath, "/healthz");
      const origins = ofType("azure-native:cdn:AFDOrigin");
      assert.deepEqual(origins.map((o) => [o.name, o.inputs.priority, o.inputs.weight, o.inputs.enabledState]), [["afd-blue", 1, 50, "Enabled"], ["afd-green", 1, 50, "Enabled"]]);
      one("azure-native:cdn:Route");
    });
    it("a weight change touches only the origins", async () => {
      const { changed } = await diffBuilds((v) => void afd(v ? 100 : 25));
      assert.deepEqual(changed, ["azure-native:cdn:AFDOrigin::afd-blue", "azure-native:cdn:AFDOrigin::afd-green"]);
    });
  });

  describe("HttpRouteSplit", () => {
    it("builds an HTTPRoute with weighted backendRefs on the gateway", async () => {
      route(25);
      await settle();
      const r = one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
      assert.deepEqual(r.inputs.spec.parentRefs, [{ name: "public", namespace: "gw" }]);
      assert.deepEqual(r.inputs.spec.rules[0].backendRefs, [{ name: "hello-blue", port: 80, weight: 75 }, { name: "hello-green", port: 80, weight: 25 }]);
    });
    it("a weight change touches only the route", async () => {
      const { changed } = await diffBuilds((v) => void route(v ? 5 : 0));
      assert.deepEqual(changed, ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::route-route"]);
    });
  });

  describe("ServiceSwitch", () => {
    it("selects the active slot", async () => {
      const split = svcSwitch(100);
      assert.deepEqual(await promiseOf(split.weights), { blue: 0, green: 100 });
      assert.deepEqual(one("kubernetes:core/v1:Service").inputs.spec.selector, { app: "hello", slot: "green" });
    });
    it("rejects a partial split at construction", () => {
      assert.throws(() => svcSwitch(50), /all-or-nothing/);
    });
  });

  describe("preview with unknown weights", () => {
    before(() => useMocks({ preview: true }));
    after(() => useMocks());
    it("URL map and Traffic Manager register with unknown weights", async () => {
      const split = urlMap(unknownOutput());
      const profile = new TrafficManagerSplit("pv", { provider: azProvider(), resourceGroupName: "rg", relativeName: "pv-x", targets: { blue: "b", green: "g" }, weights: unknownOutput(), healthCheck: hc });
      assert.equal((await unwrap(split.weights)).known, false);
      assert.equal((await unwrap(profile.weights)).known, false);
      await settle();
      one("gcp:compute/uRLMap:URLMap");
      one("azure-native:trafficmanager:Profile");
    });
  });
});
