/**
 * Read-back of live weights from a target's data plane, by the stack outputs that name it.
 * Only the local target (HAProxy's runtime API) can be read here; cloud read-back needs cloud
 * credentials and returns undefined (not verified) rather than pretending.
 */
import { readServers } from "../../components/local/runtime-api";
import type { Weights } from "../../model/weights";

export interface DataPlaneOutputs {
  readonly target?: string;
  readonly trafficSocket?: string;
  readonly trafficBackend?: string;
}

export async function readLiveWeights(outputs: DataPlaneOutputs): Promise<Weights | undefined> {
  if (outputs.target !== "local" || !outputs.trafficSocket || !outputs.trafficBackend) return undefined;
  const servers = await readServers(outputs.trafficSocket, outputs.trafficBackend, ["blue", "green"]);
  // A server in maintenance takes no traffic whatever its weight says.
  const effective = (slot: "blue" | "green") => (servers[slot]!.adminState === "maint" ? 0 : servers[slot]!.weight);
  return { blue: effective("blue"), green: effective("green") };
}
