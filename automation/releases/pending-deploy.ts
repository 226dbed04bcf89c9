/**
 * A plain deploy (one update, no rollout record) marks itself in the backend before its update
 * and clears the mark once its ledger entry is written. A driver killed in between leaves the
 * mark: the next command that opens the stack completes the entry from the engine's history
 * (keyed by the mark's id, so never twice) or, when that update never finished, drops the mark.
 */
import { randomUUID } from "node:crypto";
import { ownerAlive, ownerHere, type Owner } from "../rollout/record";
import type { DocumentStore } from "../store/document-store";
import type { OpenedStack } from "../workspace";
import { readLedger, type LedgerEntry } from "./ledger";
import { recordDeploy } from "./releases";

export const PENDING_DEPLOY_KEY = "pending-deploy";

export interface PendingDeploy {
  readonly id: string;
  readonly startedAt: string;
  readonly owner: Owner;
}

export async function markDeployStarting(store: DocumentStore, now = new Date()): Promise<PendingDeploy> {
  const pending: PendingDeploy = { id: `d-${randomUUID().slice(0, 8)}`, startedAt: now.toISOString(), owner: ownerHere() };
  const current = await store.get<PendingDeploy>(PENDING_DEPLOY_KEY);
  await store.put(PENDING_DEPLOY_KEY, pending, current?.revision ?? 0);
  return pending;
}

export async function clearPendingDeploy(store: DocumentStore): Promise<void> {
  await store.delete(PENDING_DEPLOY_KEY);
}

/** What an update in history says about a pending deploy: record it, or drop the mark. */
export function verdictOf(pending: PendingDeploy, latest: { result: string; kind: string; startTime: string | Date; resourceChanges?: Record<string, number> } | undefined): "record" | "drop" {
  if (!latest || latest.result !== "succeeded" || latest.kind !== "update") return "drop";
  // History keeps whole seconds: an update started in the mark's second is its update.
  if (new Date(latest.startTime).getTime() + 1000 <= Date.parse(pending.startedAt)) return "drop"; // its update never finished
  const changed = Object.entries(latest.resourceChanges ?? {}).some(([op, n]) => op !== "same" && n > 0);
  return changed ? "record" : "drop"; // a deploy that changed nothing is no release
}

/** Completes the ledger for a plain deploy whose driver died after its update; returns the entry added. */
export async function completePendingDeploy(opened: OpenedStack, store: DocumentStore): Promise<LedgerEntry | undefined> {
  const pending = (await store.get<PendingDeploy>(PENDING_DEPLOY_KEY))?.value;
  if (!pending || ownerAlive(pending.owner)) return undefined;
  let added: LedgerEntry | undefined;
  if (!(await readLedger(store)).some((entry) => entry.deploymentId === pending.id)) {
    const [latest] = await opened.run("reading history", (stack) => stack.history(1));
    if (verdictOf(pending, latest) === "record") {
      added = await recordDeploy(opened, store, { kind: "deploy", outcome: "succeeded", startedAt: Date.parse(pending.startedAt), deploymentId: pending.id });
    }
  }
  await clearPendingDeploy(store);
  return added;
}
