/**
 * The real engine against the local target in two regions: each region serves on its own
 * loopback address, the front sends clients to the primary, the driver's regional weights (in
 * the run's effective config) move them, the read-back reports what the front serves, the front's
 * health check sees a region's HAProxy die, and destroy leaves nothing listening.
 */
import assert from "node:assert/strict";
import { httpGet } from "../../components/local/http-probe";
import { listens } from "../../automation/local/leftovers";
import { isRunning, waitFor } from "../../components/local/processes";
import { readLiveRegionHealth, readLiveRegionWeights } from "../../automation/dr/read-back";
import type { RegionWeights } from "../../model/config/dr";
import type { StackOutputs } from "../../model/outputs";
import { createTestProject, type StateResource, type TestProject } from "../support/project";
import { freePorts } from "../support/ports";

// Addresses of their own, so that a local-dr stack deployed on this machine is left alone.
const EAST = "127.0.11.1";
const WEST = "127.0.12.1";

async function outputsOf(project: TestProject): Promise<StackOutputs> {
  const raw = await (await project.open()).run("outputs", (s) => s.outputs());
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value.value])) as StackOutputs;
}

/** The regions that answer `n` requests through `url`, counted. */
async function regionsAnswering(url: string, n = 20): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await httpGet(`${url}/`);
    assert.equal(res?.status, 200, `request ${i} through ${url}: ${res?.status}`);
    const region = (JSON.parse(res!.body) as { region?: string }).region ?? "none";
    seen[region] = (seen[region] ?? 0) + 1;
  }
  return seen;
}

describe("engine: local target in two regions", function () {
  this.timeout(300_000);
  let project: TestProject;
  let outputs: StackOutputs;
  let listeners: { address: string; port: number }[];
  let frontUrn: string;

  function writeConfig(overrides: Record<string, unknown> = {}): void {
    const [front, eastListen, eastBlue, eastGreen, westListen, westBlue, westGreen] = listeners.map((l) => l.port) as [number, number, number, number, number, number, number];
    project.writeConfig({
      active: "blue",
      rollout: { strategy: "canary", steps: [50, 100], bake: "1s" },
      dr: { primary: "east" },
      local: {
        front: { address: "127.0.0.1", port: front },
        regions: {
          east: { address: EAST, ports: { listen: eastListen, blue: eastBlue, green: eastGreen } },
          west: { address: WEST, ports: { listen: westListen, blue: westBlue, green: westGreen } },
        },
        runDir: project.runDir,
      },
      ...overrides,
    });
  }

  /** An engine run as the driver's failover will make it: the front's weights only, in the run's effective config. */
  async function shiftRegions(regions: RegionWeights): Promise<void> {
    const opened = await project.open();
    await opened.direct("regional step", ["up", "--yes", "--skip-preview", "--target", frontUrn], { program: opened.program, driverStatus: { regions: { ...regions } } });
  }

  before(async () => {
    project = await createTestProject("engine-regions");
    const [front, eastListen, eastBlue, eastGreen, westListen, westBlue, westGreen] = (await freePorts(7)) as [number, number, number, number, number, number, number];
    listeners = [
      { address: "127.0.0.1", port: front },
      ...[eastListen, eastBlue, eastGreen].map((port) => ({ address: EAST, port })),
      ...[westListen, westBlue, westGreen].map((port) => ({ address: WEST, port })),
    ];
    writeConfig();
  });
  after(async () => {
    await project?.cleanup();
  });

  it("deploys both regions, each serving on its own address, and the front serving the primary's answers only", async () => {
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr);
    outputs = await outputsOf(project);
    const regions = outputs.regions!;
    assert.deepEqual(regions.names, ["east", "west"]);
    assert.deepEqual(regions.weights, { east: 100, west: 0 });
    assert.equal(regions.mechanism, "local-haproxy-regions");
    assert.deepEqual(regions.endpoints, { east: `http://${EAST}:${listeners[1]!.port}`, west: `http://${WEST}:${listeners[4]!.port}` });
    assert.equal(outputs.endpoint, `http://127.0.0.1:${listeners[0]!.port}`);
    assert.equal(outputs.trafficUrns?.length, 2, "a slot step moves both regions");
    frontUrn = regions.trafficUrns[0]!;
    assert.deepEqual(await regionsAnswering(regions.endpoints.east!, 4), { east: 4 });
    assert.deepEqual(await regionsAnswering(regions.endpoints.west!, 4), { west: 4 });
    assert.deepEqual(await regionsAnswering(outputs.endpoint!), { east: 20 });
    assert.deepEqual(await readLiveRegionWeights(outputs), { east: 100, west: 0 });
    assert.deepEqual(await readLiveRegionHealth(outputs), { east: "up", west: "up" });
  });

  it("a canary rollout moves the slots of both regions, read back from the serving region", async () => {
    writeConfig({ active: "green" });
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const region of ["east", "west"]) {
      const res = await httpGet(`${outputs.regions!.endpoints[region]}/`);
      assert.deepEqual(JSON.parse(res!.body), { service: "hello", version: "1.1.0", slot: "green", region });
    }
    assert.deepEqual(await regionsAnswering(outputs.endpoint!, 4), { east: 4 });
  });

  it("serves from both regions under the driver's regional weights 50/50, and the read-back says so", async () => {
    await shiftRegions({ east: 50, west: 50 });
    assert.deepEqual(await readLiveRegionWeights(outputs), { east: 50, west: 50 });
    const seen = await regionsAnswering(outputs.endpoint!);
    assert.ok((seen.east ?? 0) > 0 && (seen.west ?? 0) > 0, `both regions answer: ${JSON.stringify(seen)}`);
  });

  it("serves from the standby only at east 0 / west 100", async () => {
    await shiftRegions({ east: 0, west: 100 });
    assert.deepEqual(await readLiveRegionWeights(outputs), { east: 0, west: 100 });
    assert.deepEqual(await regionsAnswering(outputs.endpoint!), { west: 20 });
    // The run's outputs follow: the slot read-back and the haproxy analysis now read the region that serves.
    const after = await outputsOf(project);
    assert.deepEqual(after.regions?.weights, { east: 0, west: 100 });
    assert.match(after.trafficSocket!, /\/west\/admin\.sock$/);
  });

  it("the front's health check sees a region's HAProxy killed; the serving region keeps answering", async () => {
    const state = await (await project.open()).run("export", (s) => s.exportStack());
    const east = (state.deployment.resources as StateResource[]).find((r) => r.urn.endsWith("::hello-east-traffic-haproxy"));
    const pid = east?.outputs?.pid as number;
    const configPath = east?.outputs?.configPath as string;
    assert.ok(isRunning(pid, configPath), "east's HAProxy runs before the fault");
    process.kill(pid, "SIGKILL");
    const health = async () => (await readLiveRegionHealth(outputs))?.east;
    assert.ok(await waitFor(async () => (await health()) === "down", 20_000, 200), `the front never marked east down (last: ${await health()})`);
    assert.deepEqual(await readLiveRegionHealth(outputs), { east: "down", west: "up" });
    assert.deepEqual(await regionsAnswering(outputs.endpoint!), { west: 20 });
  });

  it("refuses a primary that is neither region, naming the key and the regions, and changes nothing", async () => {
    const before = await readLiveRegionWeights(outputs);
    writeConfig({ dr: { primary: "north" } });
    const result = await project.cli("deploy");
    assert.notEqual(result.code, 0);
    assert.match(result.stderr + result.stdout, /switchyard:dr\.primary is "north", which is not one of this stack's regions \(east, west\); set it to east or west/);
    assert.deepEqual(await readLiveRegionWeights(outputs), before);
  });

  it("destroy stops everything of both regions and the front: nothing listens on any of the stack's ports", async () => {
    // Back to a valid file: destroy reads it to know where the regions listen.
    writeConfig();
    const result = await project.cli("destroy");
    assert.equal(result.code, 0, result.stderr);
    for (const { address, port } of listeners) assert.equal(await listens(address, port), false, `something still listens on ${address}:${port}`);
  });
});
