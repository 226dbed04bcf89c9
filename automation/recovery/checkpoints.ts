/**
 * State checkpoints: before every deploy the stack's state is exported and kept in the backend
 * (the last N), so that a corrupted state can be put back. Restoring one rewrites state only,
 * never the cloud; the command says so.
 */
import { randomUUID } from "node:crypto";
import type { Deployment } from "@pulumi/pulumi/automation";
import type { DocumentStore } from "../store/document-store";
import type { OpenedStack } from "../workspace";
import { verifySecretsProvider } from "./secrets-check";

const INDEX_KEY = "checkpoints";
const checkpointKey = (id: string) => `checkpoint-${id}`;

export interface CheckpointInfo {
  readonly id: string;
  readonly at: string;
  readonly reason: string;
  readonly resources: number;
}

interface CheckpointIndex {
  readonly entries: readonly CheckpointInfo[];
}

export async function listCheckpoints(store: DocumentStore): Promise<readonly CheckpointInfo[]> {
  return (await store.get<CheckpointIndex>(INDEX_KEY))?.value.entries ?? [];
}

/**
 * Keeps an exported state; drops the oldest beyond `keep`. Skips a stack with no state yet.
 * First proves the stack's secrets provider works with what was given (a wrong passphrase fails
 * here, with nothing written and nothing evicted); the oldest go only once the new one is stored.
 */
export async function saveCheckpoint(exported: Deployment, store: DocumentStore, reason: string, keep: number, opened: OpenedStack): Promise<CheckpointInfo | undefined> {
  const resources = (exported.deployment?.resources ?? []).length;
  if (resources === 0) return undefined;
  await verifySecretsProvider(opened, exported);
  const at = new Date().toISOString();
  // Two drivers may start in the same instant: the random suffix keeps their checkpoints apart.
  const info: CheckpointInfo = { id: `${at.replace(/[-:.]/g, "").replace("T", "-").slice(0, 15)}-${randomUUID().slice(0, 6)}`, at, reason, resources };
  await store.put(checkpointKey(info.id), exported, 0);
  for (let attempt = 0; ; attempt++) {
    const index = await store.get<CheckpointIndex>(INDEX_KEY);
    const entries = [...(index?.value.entries ?? []).filter((e) => e.id !== info.id), info];
    const dropped = entries.slice(0, Math.max(0, entries.length - keep));
    try {
      await store.put<CheckpointIndex>(INDEX_KEY, { entries: entries.slice(-keep) }, index?.revision ?? 0);
      for (const old of dropped) await store.delete(checkpointKey(old.id));
      return info;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/** Imports a kept checkpoint as the stack's state. Changes nothing in the cloud. */
export async function restoreCheckpoint(opened: OpenedStack, store: DocumentStore, id: string): Promise<CheckpointInfo> {
  const entries = await listCheckpoints(store);
  const info = id === "latest" ? entries.at(-1) : entries.find((e) => e.id === id);
  const stored = info ? await store.get<Deployment>(checkpointKey(info.id)) : undefined;
  if (!info || !stored) throw new Error(`no checkpoint ${id}; kept: ${entries.map((e) => e.id).join(", ") || "none"}`);
  await opened.run("importing a checkpoint", (stack) => stack.importStack(stored.value));
  return info;
}
