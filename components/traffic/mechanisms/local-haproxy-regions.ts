/**
 * Read-back of the local target's regional split: the front HAProxy's servers (one per region),
 * through its runtime API, from the socket and backend the stack exports in `regions`. What
 * really serves, or undefined when this stack has no front to read (another mechanism, an older
 * deploy); an HAProxy that does not answer is an error, never a guess.
 */
import type { RegionWeights } from "../../../model/config/dr";
import type { StackOutputs } from "../../../model/outputs";
import { readServerStates, serverStats } from "../../local/runtime-api";

export const LOCAL_REGIONS_MECHANISM = "local-haproxy-regions";

/** Where the front lives, or undefined when the outputs name none. */
function frontOf(outputs: StackOutputs): { socket: string; backend: string; names: readonly string[] } | undefined {
  const regions = outputs.regions;
  if (regions?.mechanism !== LOCAL_REGIONS_MECHANISM || !regions.socket || !regions.backend) return undefined;
  return { socket: regions.socket, backend: regions.backend, names: regions.names };
}

/** The regional weights the front serves with: a region in maintenance takes no traffic whatever its weight. */
export async function readLocalRegionWeights(outputs: StackOutputs): Promise<RegionWeights | undefined> {
  const front = frontOf(outputs);
  if (!front) return undefined;
  const servers = await readServerStates(front.socket, front.backend, front.names);
  return Object.fromEntries(front.names.map((name) => [name, servers[name]!.adminState === "maint" ? 0 : servers[name]!.weight]));
}

/** A region as the front's health check sees it. */
export type RegionHealth = "up" | "down" | "maint";

/** `show stat` status → health: "UP 1/2" (failing, not yet down) still serves; "DOWN 1/2" does not yet. */
export function regionHealthOf(status: string): RegionHealth {
  if (status.startsWith("MAINT")) return "maint";
  if (status.startsWith("UP") || status.startsWith("DRAIN") || status === "no check") return "up";
  return "down";
}

/** Each region's health as the front's checks (every second, down after two failures) see it. */
export async function readLocalRegionHealth(outputs: StackOutputs): Promise<Record<string, RegionHealth> | undefined> {
  const front = frontOf(outputs);
  if (!front) return undefined;
  const stats = await serverStats(front.socket, front.backend);
  return Object.fromEntries(
    front.names.map((name) => {
      const stat = stats.find((s) => s.server === name);
      return [name, stat ? regionHealthOf(stat.status) : "down"];
    }),
  );
}
