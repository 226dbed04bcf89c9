/**
 * Two "regions" on this machine: each a full LocalBlueGreenEnvironment (its own HAProxy and both
 * slots) on its own loopback address and run dir, running the same release with the same slot
 * weights (the standby is warm, as AWS's is), and a front HAProxy routing across them.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { HaproxyRegionSplit } from "../traffic/haproxy-region-split";
import { LOCAL_REGIONS_MECHANISM } from "../traffic/mechanisms/local-haproxy-regions";
import { LocalBlueGreenEnvironment, type LocalSlotArgs } from "./local";
import type { RegionPair, RegionWeights } from "../../model/config/dr";
import { FRONT_DIR } from "../../model/config/local";
import type { MechanismKind } from "../../model/mechanism";
import type { Slot, Weights } from "../../model/weights";

export interface LocalRegionArgs {
  /** The region's own loopback address: its HAProxy and workloads listen there. */
  readonly address: string;
  readonly ports: { readonly listen: number; readonly blue: number; readonly green: number };
  /** Latency added to every answer of this region's slots, on top of the slot's own: a slow region, for DR tests and drills. @default 0 */
  readonly latencyMs?: number;
}

export interface LocalRegionalEnvironmentArgs {
  readonly service: string;
  /** Each slot as both regions run it (ports come from each region). */
  readonly slots: Readonly<Record<Slot, Omit<LocalSlotArgs, "port">>>;
  /** Slot weights, applied in both regions alike. */
  readonly weights: pulumi.Input<Weights>;
  /** The two regions, home first. */
  readonly regions: RegionPair;
  readonly regionArgs: Readonly<Record<string, LocalRegionArgs>>;
  /** Regional weights of the front: region → whole percentage, summing to 100. */
  readonly regionWeights: pulumi.Input<RegionWeights>;
  readonly front: { readonly address: string; readonly port: number };
  /** Each region's files go to `<runDir>/<region>`, the front's to `<runDir>/front`. */
  readonly runDir: string;
  readonly haproxy: string;
  /** Node.js that runs the workloads. @default the current one */
  readonly node?: string;
  /** Entry module of the service. @default the sample service of this repository */
  readonly entry?: string;
}

export const REGIONS_MECHANISM = LOCAL_REGIONS_MECHANISM;

/** Every region declared, and declared once; exported for its own tests. */
export function assertRegionArgs(component: string, regions: RegionPair, regionArgs: Readonly<Record<string, LocalRegionArgs>>): void {
  if (regions[0] === regions[1]) throw new ComponentArgsError(component, "regions", `names ${regions[0]} twice`, "name two different regions");
  for (const region of regions) {
    if (!regionArgs[region]) throw new ComponentArgsError(component, `regionArgs.${region}`, "is missing", "give every region its address and ports");
  }
  const extra = Object.keys(regionArgs).find((name) => !regions.includes(name));
  if (extra) throw new ComponentArgsError(component, `regionArgs.${extra}`, `is not one of the regions ${regions.join(", ")}`, "remove it or list it in regions");
}

export class LocalRegionalEnvironment extends pulumi.ComponentResource {
  /** The front's URL: where clients reach the service. */
  readonly endpoint: pulumi.Output<string>;
  /** The slot weights as the home region applies them (the standby applies the same). */
  readonly weights: pulumi.Output<Weights>;
  readonly regions: RegionPair;
  /** Each region's blue/green environment. */
  readonly environments: Readonly<Record<string, LocalBlueGreenEnvironment>>;
  readonly front: HaproxyRegionSplit;
  readonly mechanism: MechanismKind = "local-haproxy";
  readonly regionsMechanism = REGIONS_MECHANISM;

  constructor(name: string, args: LocalRegionalEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:environment:LocalRegionalEnvironment", name, {}, opts);
    assertRegionArgs(`LocalRegionalEnvironment ${name}`, args.regions, args.regionArgs);
    this.regions = args.regions;
    const environments: Record<string, LocalBlueGreenEnvironment> = {};
    for (const region of args.regions) {
      const spec = args.regionArgs[region]!;
      environments[region] = new LocalBlueGreenEnvironment(
        `${name}-${region}`,
        {
          service: args.service,
          slots: {
            blue: { ...args.slots.blue, port: spec.ports.blue, latencyMs: (args.slots.blue.latencyMs ?? 0) + (spec.latencyMs ?? 0) },
            green: { ...args.slots.green, port: spec.ports.green, latencyMs: (args.slots.green.latencyMs ?? 0) + (spec.latencyMs ?? 0) },
          },
          weights: args.weights,
          listenPort: spec.ports.listen,
          address: spec.address,
          runDir: path.join(args.runDir, region),
          haproxy: args.haproxy,
          region,
          ...(args.node ? { node: args.node } : {}),
          ...(args.entry ? { entry: args.entry } : {}),
        },
        { parent: this },
      );
    }
    this.environments = environments;
    this.front = new HaproxyRegionSplit(
      `${name}-front`,
      {
        service: args.service,
        listenAddress: args.front.address,
        listenPort: args.front.port,
        regions: args.regions,
        backends: Object.fromEntries(args.regions.map((region) => [region, { address: args.regionArgs[region]!.address, port: args.regionArgs[region]!.ports.listen }])),
        weights: args.regionWeights,
        runDir: path.join(args.runDir, FRONT_DIR),
        haproxy: args.haproxy,
      },
      // The front comes up after the regions and goes before them: it never points at nothing.
      { parent: this, dependsOn: Object.values(environments) },
    );
    this.endpoint = this.front.endpoint;
    this.weights = environments[args.regions[0]]!.weights;
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, regionWeights: this.front.weights });
  }
}
