/**
 * Read-back of live regional weights, by the stack outputs that name the regional split
 * (`regions.mechanism`). Only the local front HAProxy can be read from here; a cloud's regional
 * split (DNS failover records, a traffic manager) answers undefined, "not verified", as the
 * clouds' slot read-back does: the driver holds no cloud credentials.
 */
import { LOCAL_REGIONS_MECHANISM, readLocalRegionHealth, readLocalRegionWeights, type RegionHealth } from "../../components/traffic/mechanisms/local-haproxy-regions";
import type { RegionWeights } from "../../model/config/dr";
import type { StackOutputs } from "../../model/outputs";

export type { RegionHealth };

/** The regional weights that really serve; undefined when they cannot be read from here. */
export async function readLiveRegionWeights(outputs: StackOutputs): Promise<RegionWeights | undefined> {
  return outputs.regions?.mechanism === LOCAL_REGIONS_MECHANISM ? readLocalRegionWeights(outputs) : undefined;
}

/** Each region's health as the regional split's own checks see it; undefined when it cannot be read from here. */
export async function readLiveRegionHealth(outputs: StackOutputs): Promise<Record<string, RegionHealth> | undefined> {
  return outputs.regions?.mechanism === LOCAL_REGIONS_MECHANISM ? readLocalRegionHealth(outputs) : undefined;
}
