/**
 * The local target's two-region form under mocks: what each region and the front are built with,
 * the outputs a DR stack exports, and the intent's primary checked before any resource.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { drSchema } from "../../model/config/dr";
import { localSchema } from "../../model/config/local";
import { buildRegional } from "../../stacks/targets/local-regional";
import { localTarget } from "../../stacks/targets/local";
import type { CommonConfig } from "../../stacks/targets/types";
import { ofType, promiseOf, recorded, resetRecorded, settle, useMocks } from "./mocks";

const block = localSchema.parse({
  front: { address: "127.0.0.1", port: 18180 },
  regions: {
    east: { address: "127.0.1.1", ports: { listen: 18181, blue: 18182, green: 18183 } },
    west: { address: "127.0.2.1", ports: { listen: 18191, blue: 18192, green: 18193 } },
  },
});
if (!block.regions) throw new Error("the regional form parses as regional");

const common = (dr?: CommonConfig["dr"]): CommonConfig => ({
  service: "hello",
  slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0", latencyMs: 7 } },
  traffic: { blue: 90, green: 10 },
  ...(dr ? { dr } : {}),
});

const build = (dr?: CommonConfig["dr"]) => buildRegional(common(dr), block as Parameters<typeof buildRegional>[1], "/run/x", "/usr/sbin/haproxy");
const valueOf = <T>(input: unknown) => promiseOf(pulumi.output(input) as pulumi.Output<T>);

const INSTANCE = "pulumi-nodejs:dynamic/local:HaproxyInstance";
const WEIGHTS = "pulumi-nodejs:dynamic/local:HaproxyWeights";
const WORKLOAD = "pulumi-nodejs:dynamic/local:Workload";

describe("local target in two regions", () => {
  before(() => useMocks());
  beforeEach(() => resetRecorded());

  it("runs the same release in each region on its own address and run dir, the workloads told their region", async () => {
    build();
    await settle();
    const workloads = ofType(WORKLOAD).map((r) => [r.name, r.inputs.address, r.inputs.port, r.inputs.version, r.inputs.latencyMs, r.inputs.region, r.inputs.runDir]);
    assert.deepEqual(workloads.sort(), [
      ["hello-east-blue", "127.0.1.1", 18182, "1.0.0", 0, "east", "/run/x/east"],
      ["hello-east-green", "127.0.1.1", 18183, "1.1.0", 7, "east", "/run/x/east"],
      ["hello-west-blue", "127.0.2.1", 18192, "1.0.0", 0, "west", "/run/x/west"],
      ["hello-west-green", "127.0.2.1", 18193, "1.1.0", 7, "west", "/run/x/west"],
    ]);
    const slotWeights = ofType(WEIGHTS).filter((r) => r.name !== "hello-front-weights").map((r) => [r.name, r.inputs.weights]);
    assert.deepEqual(slotWeights.sort(), [
      ["hello-east-traffic-weights", { blue: 90, green: 10 }],
      ["hello-west-traffic-weights", { blue: 90, green: 10 }],
    ]);
  });

  it("puts a front HAProxy before the regions, one server per region, all traffic on the primary", async () => {
    build({ config: drSchema.parse({ primary: "west" }) });
    await settle();
    const front = ofType(INSTANCE).find((r) => r.name === "hello-front-haproxy");
    assert.ok(front, recorded.map((r) => r.name).join(", "));
    assert.equal(front.inputs.listenAddress, "127.0.0.1");
    assert.equal(front.inputs.listenPort, 18180);
    assert.equal(front.inputs.runDir, "/run/x/front");
    assert.deepEqual(front.inputs.servers, [
      { name: "east", address: "127.0.1.1", port: 18181 },
      { name: "west", address: "127.0.2.1", port: 18191 },
    ]);
    const weights = ofType(WEIGHTS).find((r) => r.name === "hello-front-weights");
    assert.deepEqual(weights?.inputs.weights, { east: 0, west: 100 });
    assert.deepEqual(weights?.inputs.adminState, { east: "ready", west: "ready" }, "the standby is a plain server, never a backup");
  });

  it("applies the driver's regional weights in flight over the intent", async () => {
    build({ config: drSchema.parse({}), inFlight: { west: 50, east: 50 } });
    await settle();
    assert.deepEqual(ofType(WEIGHTS).find((r) => r.name === "hello-front-weights")?.inputs.weights, { east: 50, west: 50 });
  });

  it("exports the DR contract: regions with the front's weights and URN; slot traffic in both regions", async () => {
    const outputs = build({ config: drSchema.parse({}), inFlight: { east: 0, west: 100 } });
    const regions = await valueOf<Record<string, unknown>>(outputs.regions);
    assert.deepEqual(regions.names, ["east", "west"]);
    assert.deepEqual(regions.weights, { east: 0, west: 100 });
    // URLs and sockets are the providers' outputs (the engine test reads them): here, which key holds what.
    assert.deepEqual(Object.keys(regions.endpoints as object), ["east", "west"]);
    assert.equal(regions.mechanism, "local-haproxy-regions");
    assert.equal(regions.backend, "be_hello");
    assert.deepEqual((regions.trafficUrns as string[]).map((urn) => urn.split("::").pop()), ["hello-front-weights"]);
    const urns = await Promise.all((outputs.trafficUrns as pulumi.Input<string>[]).map((urn) => valueOf<string>(urn)));
    assert.deepEqual(urns.map((urn) => urn.split("::").pop()), ["hello-east-traffic-weights", "hello-west-traffic-weights"]);
    assert.equal(await valueOf(outputs.trafficMechanism), "local-haproxy");
    assert.deepEqual(await valueOf(outputs.weights), { blue: 90, green: 10 });
  });

  it("refuses a primary that is neither region before building anything", () => {
    assert.throws(() => build({ config: drSchema.parse({ primary: "north" }) }), /switchyard:dr\.primary is "north", which is not one of this stack's regions \(east, west\); set it to east or west/);
    assert.equal(recorded.length, 0);
  });

  it("refuses regional weights in flight that name other regions", () => {
    assert.throws(() => build({ config: drSchema.parse({}), inFlight: { east: 50, north: 50 } }), /must weigh exactly the regions east and west/);
  });

  it("the target definition names the regions and steps regional traffic; the one-region form has none", () => {
    assert.deepEqual(localTarget.regions?.(block), ["east", "west"]);
    assert.equal(localTarget.regions?.(localSchema.parse({ ports: { listen: 18080, blue: 18081, green: 18082 } })), undefined);
    assert.equal(localTarget.regionalShift, "stepped");
  });
});
