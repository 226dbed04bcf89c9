/**
 * The regional split as it really serves, and its failed requests, read from the data plane: the
 * local front HAProxy's runtime API. A cloud's regional routing cannot be read from here: the
 * answer is then undefined (not verified), never a guess.
 */
import type { RegionWeights } from "../../model/config/dr";
import type { StackOutputs } from "../../model/outputs";
import { runtimeCommand } from "../../components/local/runtime-api";
import { LOCAL_REGIONS_MECHANISM, readLocalRegionHealth, readLocalRegionWeights, type RegionHealth } from "../../components/traffic/mechanisms/local-haproxy-regions";

export { LOCAL_REGIONS_MECHANISM, type RegionHealth };

/** The regional weights that really serve (the local front's runtime API); undefined where they cannot be read from here. */
export async function readLiveRegionWeights(outputs: StackOutputs): Promise<RegionWeights | undefined> {
  return outputs.regions?.mechanism === LOCAL_REGIONS_MECHANISM ? readLocalRegionWeights(outputs) : undefined;
}

/** Each region's health as the regional split's own checks see it; undefined where it cannot be read from here. */
export async function readLiveRegionHealth(outputs: StackOutputs): Promise<Record<string, RegionHealth> | undefined> {
  return outputs.regions?.mechanism === LOCAL_REGIONS_MECHANISM ? readLocalRegionHealth(outputs) : undefined;
}

/** 5xx answers the front has given so far (its frontends' hrsp_5xx), from `show stat`. Pure. */
export function frontendFailuresOf(csv: string): number {
  const lines = csv.split("\n").filter((line) => line.trim() !== "");
  const header = lines[0]?.replace(/^# /, "").split(",") ?? [];
  const sv = header.indexOf("svname");
  const fivexx = header.indexOf("hrsp_5xx");
  if (sv < 0 || fivexx < 0) throw new Error("show stat has no svname or hrsp_5xx column");
  return lines
    .slice(1)
    .map((line) => line.split(","))
    .filter((fields) => fields[sv] === "FRONTEND")
    .reduce((sum, fields) => sum + (Number(fields[fivexx]) || 0), 0);
}

/** The front's failed answers so far; undefined where the target cannot tell. */
export async function frontFailures(outputs: StackOutputs): Promise<number | undefined> {
  const regions = outputs.regions;
  if (!regions?.socket || regions.mechanism !== LOCAL_REGIONS_MECHANISM) return undefined;
  try {
    return frontendFailuresOf(await runtimeCommand(regions.socket, "show stat"));
  } catch {
    return undefined;
  }
}
