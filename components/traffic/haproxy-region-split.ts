/**
 * The local target's regional split: a front HAProxy, playing global DNS-style routing, with one
 * server per region (named after it) that points at the region's own HAProxy. Weights go through
 * the runtime API like the slots'; the health check (every second, down after two failures) is
 * what notices a dead region. The standby is an ordinary server at weight 0, never `backup`: the
 * driver moves regional traffic explicitly, step by step, and reads it back.
 */
import * as pulumi from "@pulumi/pulumi";
import { weightedHaproxy } from "./haproxy-weighted";
import { ComponentArgsError } from "../errors";
import type { RegionPair, RegionWeights } from "../../model/config/dr";

export interface RegionBackend {
  readonly address: string;
  readonly port: number;
}

export interface HaproxyRegionSplitArgs {
  readonly service: string;
  /** @default "127.0.0.1" */
  readonly listenAddress?: string;
  readonly listenPort: number;
  /** The two regions, home first: the order of the servers. */
  readonly regions: RegionPair;
  /** Each region's entry point (its own HAProxy). */
  readonly backends: Readonly<Record<string, RegionBackend>>;
  /** Region → whole percentage, summing to 100. */
  readonly weights: pulumi.Input<RegionWeights>;
  /** @default "/healthz" */
  readonly healthCheckPath?: string;
  /** Folder for the front's configuration, pid file, admin socket and server state. */
  readonly runDir: string;
  readonly haproxy: string;
}

const TYPE = "switchyard:traffic:HaproxyRegionSplit";

/** Throws a ComponentArgsError unless `weights` weigh exactly `regions` with whole shares summing to 100. */
export function assertValidRegionWeights(component: string, regions: RegionPair, weights: RegionWeights): void {
  const extra = Object.keys(weights).filter((name) => !regions.includes(name));
  if (extra.length > 0) throw new ComponentArgsError(component, `weights.${extra[0]}`, `is not one of the regions ${regions.join(", ")}`, "weigh only the stack's two regions");
  for (const region of regions) {
    const value = weights[region];
    if (value === undefined || !Number.isInteger(value) || value < 0 || value > 100) {
      throw new ComponentArgsError(component, `weights.${region}`, `must be an integer from 0 to 100, got ${value}`, "give each region a whole percentage");
    }
  }
  const sum = regions.reduce((total, region) => total + weights[region]!, 0);
  if (sum !== 100) throw new ComponentArgsError(component, "weights", `${regions.map((r) => `${r} ${weights[r]}`).join(" + ")} = ${sum}, not 100`, "give shares that add up to 100");
}

export class HaproxyRegionSplit extends pulumi.ComponentResource {
  /** The regional weights the front serves with, as applied. */
  readonly weights: pulumi.Output<RegionWeights>;
  /** Where clients reach the service. */
  readonly endpoint: pulumi.Output<string>;
  readonly socketPath: pulumi.Output<string>;
  readonly backend: string;
  /** The resources that carry the regional weights: a failover step updates only these. */
  readonly trafficResources: readonly pulumi.Resource[];

  constructor(name: string, args: HaproxyRegionSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const component = `${TYPE} ${name}`;
    for (const region of args.regions) {
      if (!args.backends[region]) throw new ComponentArgsError(component, `backends.${region}`, "is missing", "give every region its address and port");
    }
    const weights = pulumi.output(args.weights).apply((w) => {
      assertValidRegionWeights(component, args.regions, w);
      // Home first, whatever order the weights came in: state compares them by JSON.
      return Object.fromEntries(args.regions.map((region) => [region, w[region]!]));
    });
    const { instance, applied, backend } = weightedHaproxy(
      name,
      {
        service: args.service,
        listenAddress: args.listenAddress ?? "127.0.0.1",
        listenPort: args.listenPort,
        servers: args.regions.map((region) => ({ name: region, ...args.backends[region]! })),
        weights,
        healthCheckPath: args.healthCheckPath ?? "/healthz",
        runDir: args.runDir,
        haproxy: args.haproxy,
      },
      this,
    );
    this.backend = backend;
    this.weights = applied.weights.apply((w) => Object.fromEntries(args.regions.map((region) => [region, w[region] ?? 0])));
    this.trafficResources = [applied];
    this.endpoint = instance.url;
    this.socketPath = instance.socketPath;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint, socketPath: this.socketPath });
  }
}
