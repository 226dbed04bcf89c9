/**
 * Recovery of an interrupted update: a stale lock left by an engine process that died on this
 * host is removed (`pulumi cancel`), and pending operations are settled by refreshing the
 * affected resources with the engine, which reads what really exists; nothing is deleted from
 * the cloud. Each step is explained.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import { StackLockedError } from "../../model/errors";
import type { OpenedStack } from "../workspace";
import { explain, pendingOperations, type PendingOperation } from "./pending";
import { isStaleHere } from "./stale-lock";

export interface RecoveryResult {
  readonly pending: readonly PendingOperation[];
  readonly actions: readonly string[];
}

/** Runs a mutating engine operation, first removing a lock that a dead engine left on this host. */
export async function withStaleLockRemoved<T>(opened: OpenedStack, action: () => Promise<T>, actions: string[]): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof StackLockedError) || !isStaleHere(error.holder)) throw error;
    const h = error.holder!;
    await opened.run("cancelling a stale lock", (stack) => stack.cancel());
    actions.push(`removed the lock left by ${h.user}@${h.host} pid ${h.pid}, which no longer runs`);
    return action();
  }
}

/** `exported`: the state as the caller just exported it, to save exporting it again. */
export async function recoverStack(opened: OpenedStack, progress: (line: string) => void = () => {}, exported?: Deployment): Promise<RecoveryResult> {
  const actions: string[] = [];
  exported ??= await opened.run("exporting state", (stack) => stack.exportStack());
  const pending = pendingOperations(exported);
  const inState = new Set<string>((exported.deployment?.resources ?? []).map((r: { urn: string }) => r.urn));
  const targets = pending.filter((op) => op.kind !== "creating" && inState.has(op.urn)).map((op) => op.urn);
  // A refresh takes the stack's lock: it also tells whether a dead engine left one behind.
  await withStaleLockRemoved(
    opened,
    () =>
      opened.run("refresh", (stack) =>
        stack.refresh({ clearPendingCreates: true, ...(targets.length ? { target: targets } : {}), onOutput: progress }),
      ),
    actions,
  );
  actions.push(...pending.map(explain));
  if (pending.length === 0) actions.push("no pending operations; state refreshed from what really runs");
  return { pending, actions };
}
