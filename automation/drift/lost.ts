/**
 * Resources the last successful deploy left running that state no longer holds. Pure: the
 * inventory and what the engine's questions saw in, observations out, classified like any other.
 */
import type { Inventory } from "./inventory";
import { nameOfUrn, type CheckedResource, type Observation } from "./model";

/**
 * URNs state holds now, from what the check saw: every resource a refresh read is in state, and
 * so is every resource a preview saw except those it would create.
 */
export function urnsInState(resources: readonly CheckedResource[], observations: readonly Observation[]): Set<string> {
  const created = new Set(observations.filter((o) => o.question === "code" && o.op === "create").map((o) => o.urn));
  return new Set(resources.map((r) => r.urn).filter((urn) => !created.has(urn)));
}

/**
 * Every inventoried resource missing from state is a deletion in the cloud: the code question's
 * "create" for it is not a pending change but a loss, and without that question (`--only cloud`)
 * the loss is reported all the same.
 */
export function withLost(observations: readonly Observation[], inventory: Inventory | undefined, inState: ReadonlySet<string>): Observation[] {
  if (!inventory) return [...observations];
  const lost = new Map(inventory.resources.filter((r) => !inState.has(r.urn)).map((r) => [r.urn, r]));
  if (lost.size === 0) return [...observations];
  const asLoss = (urn: string, type: string): Observation => ({ question: "cloud", urn, type, name: nameOfUrn(urn), op: "delete", properties: [], lostSince: inventory.deployedAt });
  const kept = observations.filter((o) => !lost.has(o.urn));
  return [...kept, ...[...lost.values()].map((r) => asLoss(r.urn, r.type))];
}
