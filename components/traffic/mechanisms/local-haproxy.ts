/** The local target's HAProxy: server weights 0..100 per slot, read back through its runtime API. */
import type { TrafficMechanism } from "../../../model/mechanism";
import type { StackOutputs } from "../../../model/outputs";
import type { Slot, Weights } from "../../../model/weights";
import { readServers } from "../../local/runtime-api";

/** What HAProxy serves, from the socket and backend the stack exports; undefined without them. */
async function readBack(outputs: StackOutputs): Promise<Weights | undefined> {
  if (!outputs.trafficSocket || !outputs.trafficBackend) return undefined;
  const servers = await readServers(outputs.trafficSocket, outputs.trafficBackend, ["blue", "green"]);
  // A server in maintenance takes no traffic whatever its weight says.
  const effective = (slot: "blue" | "green") => (servers[slot]!.adminState === "maint" ? 0 : servers[slot]!.weight);
  return { blue: effective("blue"), green: effective("green") };
}

export const localHaproxy: TrafficMechanism<Record<Slot, number>> = {
  kind: "local-haproxy",
  label: "local HAProxy",
  limits: { min: 0, max: 100, zeroAllowed: true, sumTo: 100 },
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack,
};
