/**
 * Two regions and the weights between them: pure helpers shared by the program, the driver and
 * the policy pack, without zod (the driver's first engine call loads this; see config-keys.ts).
 * The user-facing schema is model/config/dr.ts.
 */

/** Regional weights: region name → whole percentage, summing to 100. */
export type RegionWeights = Readonly<Record<string, number>>;

/** The two regions of a target, home region first. */
export type RegionPair = readonly [string, string];

export class UnknownRegionError extends Error {
  constructor(
    readonly region: string,
    readonly regions: RegionPair,
  ) {
    super(`switchyard:dr.primary is "${region}", which is not one of this stack's regions (${regions.join(", ")}); set it to ${regions.join(" or ")}`);
  }
}

/** The region that serves under the intent: `dr.primary`, else the home region; refuses an unknown name. */
export function primaryRegion(dr: { readonly primary?: string } | undefined, regions: RegionPair): string {
  const primary = dr?.primary ?? regions[0];
  if (!regions.includes(primary)) throw new UnknownRegionError(primary, regions);
  return primary;
}

export const standbyOf = (primary: string, regions: RegionPair): string => (regions[0] === primary ? regions[1] : regions[0]);

/** All traffic on one region. */
export const allOnRegion = (region: string, regions: RegionPair): RegionWeights => Object.fromEntries(regions.map((r) => [r, r === region ? 100 : 0]));

/**
 * The regional weights an engine run applies: the driver's in flight (a failover, a drill), else
 * all on the intent's primary. Refuses weights that name other regions or do not sum to 100.
 */
export function effectiveRegionWeights(dr: { readonly primary?: string } | undefined, regions: RegionPair, inFlight: RegionWeights | undefined): RegionWeights {
  const primary = primaryRegion(dr, regions);
  if (!inFlight) return allOnRegion(primary, regions);
  const names = Object.keys(inFlight);
  const sum = Object.values(inFlight).reduce((a, b) => a + b, 0);
  if (names.length !== 2 || !regions.every((r) => names.includes(r)) || sum !== 100) {
    throw new Error(`switchyard:driverStatus.regions ${JSON.stringify(inFlight)} must weigh exactly the regions ${regions.join(" and ")}, summing to 100`);
  }
  return Object.fromEntries(regions.map((r) => [r, inFlight[r]!]));
}

/** The region taking all traffic under these weights, if one does. */
export const servingRegion = (weights: RegionWeights): string | undefined => Object.entries(weights).find(([, w]) => w === 100)?.[0];

/** "east 70% / west 30%", as every message and report shows regional weights. */
export const describeRegionWeights = (weights: RegionWeights): string =>
  Object.entries(weights)
    .map(([region, share]) => `${region} ${share}%`)
    .join(" / ");
