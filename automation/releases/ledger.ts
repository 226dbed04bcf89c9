/**
 * The deployment ledger: one entry per deploy, rollout or rollback that finished, kept in the
 * stack's backend. Pulumi's update history carries each update's config, but its listing only
 * reaches recent updates (a file:// backend lists the last 10), and a release spans several
 * updates; so each entry keeps the three release-defining keys as applied by the update that
 * ended it, plus what history never had: how the rollout ended, the commit and its time, who ran
 * it, and how long a failure took to restore.
 */
import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import type { UpdateSummary } from "@pulumi/pulumi/automation";
import type { Slot, Weights } from "../../model/weights";
import { DRIVER_STATUS_KEY, driverStatusSchema, effectiveWeights, withRelease } from "../../model/driver-status";
import type { DocumentStore } from "../store/document-store";

export const LEDGER_KEY = "ledger";

export type EntryKind = "deploy" | "rollout" | "rollback";
export type EntryOutcome = "succeeded" | "rolled-back";

export interface LedgerEntry {
  /** "rel-<number>". */
  readonly id: string;
  readonly number: number;
  readonly kind: EntryKind;
  readonly outcome: EntryOutcome;
  readonly deploymentId?: string;
  /** The update that ended it, as Pulumi's history records it. */
  readonly update: { readonly startTime: string; readonly endTime?: string };
  /** The release-defining config (slots, traffic, active) that update applied. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly commit?: string;
  readonly commitTime?: string;
  readonly user: string;
  /** Failed rollouts: seconds from the failure being detected to all traffic on stable again. */
  readonly restoreSeconds?: number;
  /** Rollbacks: the release they went back to. */
  readonly restoredRelease?: string;
}

interface Ledger {
  readonly entries: readonly LedgerEntry[];
}

export function currentUser(): string {
  if (process.env.SWITCHYARD_USER) return process.env.SWITCHYARD_USER;
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** The commit the program runs from and its time, when the work dir is a git checkout. */
export function gitCommit(workDir: string): { commit?: string; commitTime?: string } {
  try {
    const [commit, commitTime] = execFileSync("git", ["log", "-1", "--format=%H%n%cI"], { cwd: workDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n");
    return { commit, commitTime };
  } catch {
    return {};
  }
}

export async function readLedger(store: DocumentStore): Promise<readonly LedgerEntry[]> {
  return (await store.get<Ledger>(LEDGER_KEY))?.value.entries ?? [];
}

/**
 * Appends an entry (numbered after the last one), retrying when another driver wrote first.
 * Idempotent per deployment: the driver that finished it and a later command completing the
 * ledger for a killed driver may both try; the entry already there is returned.
 */
export async function appendEntry(store: DocumentStore, entry: Omit<LedgerEntry, "id" | "number">): Promise<LedgerEntry> {
  for (let attempt = 0; ; attempt++) {
    const stored = await store.get<Ledger>(LEDGER_KEY);
    const entries = stored?.value.entries ?? [];
    const already = entry.deploymentId ? entries.find((e) => e.deploymentId === entry.deploymentId) : undefined;
    if (already) return already;
    const number = (entries.at(-1)?.number ?? 0) + 1;
    const full: LedgerEntry = { id: `rel-${number}`, number, ...entry };
    try {
      await store.put<Ledger>(LEDGER_KEY, { entries: [...entries, full] }, stored?.revision ?? 0);
      return full;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/**
 * The release-defining config as one update applied it: the stack file's values that Pulumi's
 * history recorded (from the run's effective config), with the driver's status that came with
 * them, so `traffic` is the weights the update really set and `slots` the versions it ran.
 */
export function releaseConfigOf(update: UpdateSummary | undefined, keys: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [fullKey, entry] of Object.entries(update?.config ?? {})) {
    if (!fullKey.startsWith("switchyard:")) continue;
    try {
      values[fullKey.slice("switchyard:".length)] = JSON.parse(entry.value);
    } catch {
      values[fullKey.slice("switchyard:".length)] = entry.value;
    }
  }
  const parsed = driverStatusSchema.safeParse(values[DRIVER_STATUS_KEY]);
  const status = parsed.success ? parsed.data : undefined;
  const applied = withRelease(values, status);
  const config: Record<string, unknown> = {};
  for (const key of keys) if (applied[key] !== undefined) config[key] = applied[key];
  if (keys.includes("traffic") && (applied.active !== undefined || applied.traffic !== undefined || status?.weights)) {
    config.traffic = effectiveWeights({ active: applied.active as Slot | undefined, traffic: applied.traffic as Weights | undefined }, status);
  }
  return config;
}
