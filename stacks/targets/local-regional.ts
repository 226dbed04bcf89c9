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
import { LocalDataPrimary } from "../../components/local/data-resources";
import { ComponentArgsError } from "../../components/errors";
import { plain } from "../../model/secrets/secret";

/**
 * The region whose HAProxy answers for the slots (read-back, the haproxy analysis provider): the
 * one taking the most traffic, the primary on a tie, so that after a failover the driver reads
 * the region that serves.
 */
export function servingRegionOf(weights: RegionWeights, regions: RegionPair, primary: string): string {
  const standby = regions[0] === primary ? regions[1] : regions[0];
  return (weights[standby] ?? 0) > (weights[primary] ?? 0) ? standby : primary;
}

/**
 * The replicated store's primary, when the regions declare stores: the driver's promotion (its
 * status' dataPrimary) else the file's primary. Moving traffic alone never moves the data.
 */
function dataPrimaryOf(common: CommonConfig, block: TwoRegionBlock, regions: RegionPair, primary: string) {
  const stores = regions.filter((region) => block.regions![region]!.store);
  if (stores.length === 0) return undefined;
  if (stores.length !== regions.length) {
    const missing = regions.find((region) => !block.regions![region]!.store)!;
    throw new ComponentArgsError("local target", `switchyard:local.regions.${missing}.store`, "is missing while the other region has a store", "give each region its store, or neither");
  }
  const region = common.dr?.dataPrimary ?? primary;
  const resource = new LocalDataPrimary(`${common.service}-data-primary`, {
    stores: Object.fromEntries(regions.map((r) => {
      const store = block.regions![r]!.store!;
      return [r, { url: pulumi.secret(plain(store.url)), ...(store.dataDir ? { dataDir: store.dataDir } : {}) }];
    })),
    primary: region,
  });
  return { region, resource };
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
  const data = dataPrimaryOf(common, block, regions, primary);
  const serving = env.environments[servingRegionOf(regionWeights, regions, primary)]!;
  const urnsOf = (resources: readonly pulumi.Resource[]) => resources.map((resource) => resource.urn);
  return {
    endpoint: env.endpoint,
    weights: env.weights,
    // The serving region's slots: what status and the pre-promotion analysis probe.
    slots: {
      blue: { version: serving.versions.blue, endpoint: serving.slotEndpoints.blue },
      green: { version: serving.versions.green, endpoint: serving.slotEndpoints.green },
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
      ...(data ? { dataPrimary: data.region, dataUrns: [data.resource.urn] } : {}),
    }),
  };
}
