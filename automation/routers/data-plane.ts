/**
 * Read-back of live weights from a target's data plane, by the stack outputs that name it: the
 * stack's traffic mechanism reads it (components/traffic/mechanisms). Only the local HAProxy can
 * be read from here; a cloud's mechanism answers undefined (not verified) rather than pretending,
 * and so does a stack that does not say which mechanism it uses (deployed by an older version).
 */
import { trafficMechanism } from "../../components/traffic/mechanisms";
import type { StackOutputs } from "../../model/outputs";
import type { Weights } from "../../model/weights";

export async function readLiveWeights(outputs: StackOutputs): Promise<Weights | undefined> {
  if (!outputs.trafficMechanism) return undefined;
  return trafficMechanism(outputs.trafficMechanism).readBack(outputs);
}
