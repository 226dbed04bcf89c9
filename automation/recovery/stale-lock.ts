/**
 * A lock left by an engine process that died. Only a holder on this host whose pid no longer
 * runs is presumed dead: a lock from another machine may belong to a live update, and breaking
 * it could corrupt state, so that one is reported, never removed.
 */
import { hostname } from "node:os";
import type { LockHolder } from "../../model/errors";
import { pidRunning } from "../pid";

export function isStaleHere(holder: LockHolder | undefined): boolean {
  if (!holder || holder.host !== hostname()) return false;
  return !pidRunning(holder.pid);
}
