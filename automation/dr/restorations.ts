/**
 * Failovers as DORA counts them: each restored service (a failover that succeeded) with its
 * recovery time, kept in the backend beside the ledger. They are not deployments: they count in
 * time to restore, never in deployment frequency or change failure rate.
 */
import { appendToList, readList, type DocumentStore } from "../store/document-store";

export const RESTORATIONS_KEY = "restorations";
/** Enough for any metrics window people ask for; the oldest go first. */
const KEEP = 500;

export interface Restoration {
  /** The regional move's id. */
  readonly id: string;
  readonly kind: "failover";
  readonly finishedAt: string;
  readonly restoreSeconds: number;
}

export async function readRestorations(store: DocumentStore): Promise<readonly Restoration[]> {
  return readList<Restoration>(store, RESTORATIONS_KEY);
}

/** Appends once per move id, retrying when another writer came first. */
export async function recordRestoration(store: DocumentStore, restoration: Restoration): Promise<void> {
  await appendToList(store, RESTORATIONS_KEY, restoration, { keep: KEEP, already: (e) => e.id === restoration.id });
}
