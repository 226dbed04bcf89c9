/**
 * The local target in two regions: a LocalRegionalEnvironment and the outputs a DR stack exports.
 * Slot traffic moves in both regions at once (trafficUrns names both regions' slot weights);
 * regional traffic moves on the front alone (regions.trafficUrns).
 */
import * as pulumi from "@pulumi/pulumi";
import { LocalRegionalEnvironment, REGIONS_MECHANISM } from "../../components/environment/local-regions";
import { effectiveRegionWeights, primaryRegion, type RegionPair, type RegionWeights } from "../../model/config/dr";
import { localRegionPair, type TwoRegionBlock } from "../../model/config/local";
import type { TargetOutputs } from "../../model/outputs";
import type { CommonConfig } from "./types";

/**
 * The region whose HAProxy answers for the slots (read-back, the haproxy analysis provider): the
 * one taking the most traffic, the primary on a tie, so that after a failover the driver reads
 * the region that serves.
 */
export function servingRegionOf(weights: RegionWeights, regions: RegionPair, primary: string): string {
  const standby = regions[0] === primary ? regions[1] : regions[0];
  return (weights[standby] ?? 0) > (weights[primary] ?? 0) ? standby : primary;
}

export function buildRegional(common: CommonConfig, block: TwoRegionBlock, runDir: string, haproxy: string): TargetOutputs {
  const regions = localRegionPair(block)!;
  // Throws UnknownRegionError for a primary that names neither region, before any resource.
  const primary = primaryRegion(common.dr?.config, regions);
  const regionWeights = effectiveRegionWeights(common.dr?.config, regions, common.dr?.inFlight);
  const env = new LocalRegionalEnvironment(common.service, {
    service: common.service,
    slots: {
      blue: { ...common.slots.blue, scaledDown: common.scaledDown === "blue" },
      green: { ...common.slots.green, scaledDown: common.scaledDown === "green" },
    },
    weights: common.traffic,
    regions,
    regionArgs: block.regions,
    regionWeights,
    front: block.front,
    runDir,
    haproxy,
  });
  const home = env.environments[regions[0]]!;
  const serving = env.environments[servingRegionOf(regionWeights, regions, primary)]!;
  const urnsOf = (resources: readonly pulumi.Resource[]) => resources.map((resource) => resource.urn);
  return {
    endpoint: env.endpoint,
    weights: env.weights,
    slots: {
      blue: { version: home.versions.blue, endpoint: home.slotEndpoints.blue },
      green: { version: home.versions.green, endpoint: home.slotEndpoints.green },
    },
    trafficUrns: regions.flatMap((region) => urnsOf(env.environments[region]!.split.trafficResources)),
    trafficSocket: serving.split.socketPath,
    trafficBackend: serving.split.backend,
    trafficMechanism: env.mechanism,
    regions: pulumi.output({
      names: regions,
      weights: env.front.weights,
      endpoints: Object.fromEntries(regions.map((region) => [region, env.environments[region]!.endpoint])),
      trafficUrns: urnsOf(env.front.trafficResources),
      mechanism: REGIONS_MECHANISM,
      socket: env.front.socketPath,
      backend: env.front.backend,
    }),
  };
}
