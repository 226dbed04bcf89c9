/**
 * Failovers as DORA counts them: each restored service (a failover that succeeded) with its
 * recovery time, kept in the backend beside the ledger. They are not deployments: they count in
 * time to restore, never in deployment frequency or change failure rate.
 */
import type { DocumentStore } from "../store/document-store";

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
  return (await store.get<{ entries: Restoration[] }>(RESTORATIONS_KEY))?.value.entries ?? [];
}

/** Appends once per move id, retrying when another writer came first. */
export async function recordRestoration(store: DocumentStore, restoration: Restoration): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const stored = await store.get<{ entries: Restoration[] }>(RESTORATIONS_KEY);
    const entries = stored?.value.entries ?? [];
    if (entries.some((e) => e.id === restoration.id)) return;
    try {
      await store.put(RESTORATIONS_KEY, { entries: [...entries, restoration].slice(-KEEP) }, stored?.revision ?? 0);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}
