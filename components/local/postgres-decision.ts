/**
 * Which region's PostgreSQL must take writes, and what it takes to get there: a pure decision
 * from each region's observed role, kept apart from the effects so that every case is a row of
 * a table test. The provider observes, asks here, then acts or refuses with the message.
 */

/** A region's server as observed: a primary, a replica (of a region, when its upstream is one of the stores), or out of reach. */
export type StoreRole =
  | { readonly role: "primary" }
  | { readonly role: "replica"; readonly of: string | null; readonly streaming: boolean }
  | { readonly role: "unreachable"; readonly reason: string };

export type RefusalCode = "unknown-region" | "unreachable" | "two-primaries" | "not-a-replica-of-the-primary" | "not-streaming" | "no-data-dir";

export type PrimaryDecision =
  | { readonly action: "none" }
  /** Failover: the desired region's server is a replica and no store is a reachable primary. */
  | { readonly action: "promote"; readonly region: string }
  /** Planned switchover: demote `from` cleanly (all WAL shipped), then promote `to`. */
  | { readonly action: "switchover"; readonly from: string; readonly to: string }
  | { readonly action: "refuse"; readonly code: RefusalCode; readonly message: string };

export interface DecisionInput {
  readonly desired: string;
  readonly roles: Readonly<Record<string, StoreRole>>;
  /** Regions whose data directory the provider may use (needed to demote a primary in a switchover). */
  readonly demotable: ReadonlySet<string>;
  /** The region last applied as primary (from state), when known: it tells a failback from a stray primary. */
  readonly previous?: string;
}

/** How a role reads in messages and in the resource's read-back. */
export function describeRole(role: StoreRole): string {
  switch (role.role) {
    case "primary":
      return "primary";
    case "replica":
      return `replica of ${role.of ?? "an unknown server"}${role.streaming ? "" : " (not streaming)"}`;
    case "unreachable":
      return "unreachable";
  }
}

export const reseedSteps = (region: string, primary: string) =>
  `re-seed region ${region}'s server as a streaming replica of region ${primary} first ` +
  `(stop it, move its data directory aside, pg_basebackup -R from ${primary}'s server, start it; ` +
  `reseedAsReplica in components/local/postgres-reseed.ts does these steps), then apply again`;

/** The regions whose server is a reachable primary, sorted. */
export function primariesOf(roles: Readonly<Record<string, StoreRole>>): string[] {
  return Object.keys(roles)
    .filter((region) => roles[region]!.role === "primary")
    .sort();
}

export function decidePrimary({ desired, roles, demotable, previous }: DecisionInput): PrimaryDecision {
  const refuse = (code: RefusalCode, message: string): PrimaryDecision => ({ action: "refuse", code, message });
  const mine = roles[desired];
  if (!mine) return refuse("unknown-region", `primary: region "${desired}" is not one of stores (${Object.keys(roles).sort().join(", ")}); name one of them`);
  if (mine.role === "unreachable") {
    return refuse("unreachable", `primary: region ${desired}'s server cannot be reached (${mine.reason}); nothing was changed. Start it (or fix stores.${desired}.url) and apply again, or choose a reachable region`);
  }
  const others = primariesOf(roles).filter((region) => region !== desired);
  if (mine.role === "primary") {
    if (others.length === 0) return { action: "none" };
    // Both took (or may take) writes: whichever is kept, the other's writes are lost.
    return refuse("two-primaries", twoPrimaries(desired, others, previous));
  }
  if (others.length > 1) {
    return refuse("two-primaries", `primary: regions ${others.join(" and ")} are both primaries; re-seed all but one as replicas before moving the primary to ${desired}`);
  }
  const current = others[0];
  if (current === undefined) return { action: "promote", region: desired };
  // A primary is up elsewhere: promoting anything but its own replica would fork the data.
  if (mine.of !== current) {
    return refuse("not-a-replica-of-the-primary", `primary: region ${desired}'s server is a ${describeRole(mine)}, not of the current primary ${current}; promoting it would make two primaries that both took writes. ${capitalize(reseedSteps(desired, current))}`);
  }
  if (!mine.streaming) {
    return refuse("not-streaming", `primary: region ${desired}'s server is a replica of ${current} but is not streaming from it, so it may lack acknowledged writes; wait until it streams again (pg_stat_replication on ${current}) or ${reseedSteps(desired, current)}`);
  }
  if (!demotable.has(current)) {
    return refuse("no-data-dir", `primary: a switchover from ${current} to ${desired} must shut ${current}'s server down and restart it as a replica, which needs stores.${current}.dataDir; set it, or stop ${current}'s server yourself and apply again (a failover)`);
  }
  return { action: "switchover", from: current, to: desired };
}

/** Which way to re-seed: towards the primary applied last when known; else a human picks. */
function twoPrimaries(desired: string, others: readonly string[], previous: string | undefined): string {
  const all = [desired, ...others].join(" and ");
  if (previous !== undefined && others.includes(previous)) {
    return `primary: moving the primary back to region ${desired} would make two primaries that both took writes: region ${desired}'s server is a primary again, not a replica of the current primary ${previous}, so ${previous}'s writes since it took over would be lost. ${capitalize(reseedSteps(desired, previous))}`;
  }
  if (previous === desired) return `primary: regions ${all} are both primaries, so writes may have gone to each; ${others.map((o) => reseedSteps(o, desired)).join("; ")}`;
  return `primary: regions ${all} are both primaries, so writes may have gone to each; keep the one whose writes you need and re-seed the other as its streaming replica (e.g. ${reseedSteps(others[0]!, desired)})`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
