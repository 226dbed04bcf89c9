/**
 * What the last successful deploy left running, kept in the stack's backend beside the rollout
 * record. State alone cannot answer "was something lost?": a refresh, a failed revert or an
 * accept drops a resource that is gone from the cloud, and the next preview then calls it a
 * pending creation. Against this list it is what it is: drift.
 */
import { overwriteDocument, type DocumentStore } from "../store/document-store";
import { isBookkeeping } from "./collect";

export const INVENTORY_KEY = "inventory";

export interface InventoryEntry {
  readonly urn: string;
  readonly type: string;
  /** The engine cannot target what state lacks; a revert recreates a lost resource through its parent. */
  readonly parent?: string;
}

export interface Inventory {
  /** When the deploy that left this state finished. */
  readonly deployedAt: string;
  readonly resources: readonly InventoryEntry[];
}

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly custom?: boolean;
  readonly delete?: boolean;
  readonly parent?: string;
}

/** The custom resources of an exported state: components and bookkeeping cannot go missing from a cloud. */
export function inventoryOf(state: { deployment?: { resources?: readonly StateResource[] } }, deployedAt: Date): Inventory {
  const resources = (state.deployment?.resources ?? [])
    .filter((r) => r.custom && !r.delete && !isBookkeeping(r.type, r.urn) && !r.type.startsWith("pulumi:providers:"))
    .map((r) => ({ urn: r.urn, type: r.type, ...(r.parent ? { parent: r.parent } : {}) }));
  return { deployedAt: deployedAt.toISOString(), resources };
}

/** Overwrites the inventory; last writer wins, as only successful full updates write it. */
export async function saveInventory(store: DocumentStore, inventory: Inventory): Promise<void> {
  await overwriteDocument(store, INVENTORY_KEY, inventory);
}

export async function readInventory(store: DocumentStore): Promise<Inventory | undefined> {
  return (await store.get<Inventory>(INVENTORY_KEY))?.value;
}

/** Lost URN → the URN a revert targets to recreate it: its parent, which state still holds. */
export function recreateTargets(inventory: Inventory | undefined): ReadonlyMap<string, string> {
  return new Map((inventory?.resources ?? []).flatMap((r) => (r.parent ? [[r.urn, r.parent] as const] : [])));
}
