/**
 * What to keep when the stored record moved under the driver (it lost a compare-and-swap, or a
 * poll found a newer revision). Only other terminals' requests are taken from the store; the
 * driver's own record wins otherwise. A record that another driver or command has taken over is
 * never overwritten: the driver stops.
 */
import type { Owner, RolloutRecord } from "./record";

export type Merge = { readonly kind: "merged"; readonly record: RolloutRecord } | { readonly kind: "lost"; readonly holder: string };

export const sameDriver = (a: Pick<Owner, "host" | "pid"> | undefined, b: Pick<Owner, "host" | "pid"> | undefined): boolean =>
  a?.host === b?.host && a?.pid === b?.pid;

const sameRequest = (a: RolloutRecord["request"], b: RolloutRecord["request"]): boolean => a?.action === b?.action && a?.at === b?.at;

/**
 * Three-way: `base` is what the driver last stored or read. A request in `theirs` that differs
 * from base's was written since by another terminal and is kept, even when the driver's own
 * change cleared the one it had already handled.
 */
export function mergeStored(ours: RolloutRecord, base: RolloutRecord, theirs: RolloutRecord): Merge {
  if (theirs.id !== ours.id) return { kind: "lost", holder: `rollout ${theirs.id}` };
  // Heartbeats change heartbeatAt only; a different host or pid means a takeover.
  if (!sameDriver(theirs.owner, base.owner)) {
    return { kind: "lost", holder: theirs.owner ? `${theirs.owner.host} pid ${theirs.owner.pid}` : `a command that left it ${theirs.status}` };
  }
  const request = sameRequest(theirs.request, base.request) ? ours.request : theirs.request;
  return { kind: "merged", record: { ...ours, request } };
}
