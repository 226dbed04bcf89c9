/** Releases: the ledger's successful entries. Also records a finished deploy in the ledger. */
import type { Slot, Weights } from "../../model/weights";
import { RELEASE_KEYS } from "../../model/driver-status";
import type { DocumentStore } from "../store/document-store";
import type { OpenedStack } from "../workspace";
import { isFinished, type RolloutRecord } from "../rollout/record";
import { appendEntry, currentUser, gitCommit, readLedger, releaseConfigOf, type EntryKind, type EntryOutcome, type LedgerEntry } from "./ledger";


export interface Release extends LedgerEntry {
  /** The release-defining config as the engine applied it. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly versions: Readonly<Record<Slot, string | undefined>>;
  readonly weights?: Weights;
  /** The slot serving all traffic, when one does. */
  readonly activeSlot?: Slot;
}

function releaseOf(entry: LedgerEntry, config: Record<string, unknown>): Release {
  const slots = (config.slots ?? {}) as Partial<Record<Slot, { version?: string }>>;
  const active = config.active as Slot | undefined;
  const weights = (config.traffic as Weights | undefined) ?? (active ? (active === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 }) : undefined);
  const serving = weights?.blue === 100 ? "blue" : weights?.green === 100 ? "green" : undefined;
  return { ...entry, config, versions: { blue: slots.blue?.version, green: slots.green?.version }, weights, activeSlot: active ?? serving };
}

/** Successful releases, oldest first. */
export async function listReleases(store: DocumentStore): Promise<Release[]> {
  return (await readLedger(store)).filter((entry) => entry.outcome === "succeeded").map((entry) => releaseOf(entry, { ...entry.config }));
}

export interface FinishedDeploy {
  readonly kind: EntryKind;
  readonly outcome: EntryOutcome;
  readonly startedAt: number;
  /** When it ended; now when absent. */
  readonly finishedAt?: number;
  readonly deploymentId?: string;
  readonly restoreSeconds?: number;
  readonly restoredRelease?: string;
}

/** Adds a finished deploy to the ledger; its update is the newest in the stack's history. */
export async function recordDeploy(opened: OpenedStack, store: DocumentStore, deploy: FinishedDeploy): Promise<LedgerEntry> {
  const [latest] = await opened.run("reading history", (stack) => stack.history(1));
  return appendEntry(store, {
    kind: deploy.kind,
    outcome: deploy.outcome,
    deploymentId: deploy.deploymentId,
    update: { startTime: new Date(latest?.startTime ?? Date.now()).toISOString(), endTime: latest?.endTime ? new Date(latest.endTime).toISOString() : undefined },
    config: releaseConfigOf(latest, RELEASE_KEYS),
    startedAt: new Date(deploy.startedAt).toISOString(),
    finishedAt: new Date(deploy.finishedAt ?? Date.now()).toISOString(),
    user: currentUser(),
    restoreSeconds: deploy.restoreSeconds,
    restoredRelease: deploy.restoredRelease,
    ...gitCommit(opened.workDir),
  });
}

/** What the ledger keeps of a finished rollout record (a rollout, or a rollback's). */
export function finishedOf(record: RolloutRecord): FinishedDeploy {
  return {
    kind: record.kind ?? "rollout",
    outcome: record.status === "succeeded" ? "succeeded" : "rolled-back",
    startedAt: Date.parse(record.startedAt),
    finishedAt: record.finishedAt ? Date.parse(record.finishedAt) : undefined,
    deploymentId: record.id,
    restoreSeconds: record.rollbackStartedAt && record.stableRestoredAt ? (Date.parse(record.stableRestoredAt) - Date.parse(record.rollbackStartedAt)) / 1000 : undefined,
    restoredRelease: record.restoresRelease,
  };
}

/**
 * A driver killed between its record's final transition and the ledger leaves the release
 * unrecorded: the next command completes it (keyed by the record's id, so never twice). The
 * record's last update is still the newest in history, since every command that updates the
 * stack comes here first. `record`: the stack's latest rollout record. Returns the entry it added.
 */
export async function completeLedger(opened: OpenedStack, store: DocumentStore, record: RolloutRecord | undefined): Promise<LedgerEntry | undefined> {
  if (!isFinished(record)) return undefined;
  if ((await readLedger(store)).some((entry) => entry.deploymentId === record.id)) return undefined;
  return recordDeploy(opened, store, finishedOf(record));
}
