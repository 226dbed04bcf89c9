/**
 * Dynamic provider of which region's PostgreSQL takes writes (the local target's data primary).
 * Desired state is one region; create/update observe every store, ask the pure decision
 * (postgres-decision.ts) and then promote a replica (failover), run a planned switchover, or
 * refuse with what to do. read() reports the region really primary now, so a promotion done
 * behind Pulumi's back shows up as a changed `primary` on refresh and in `switchyard drift`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys } from "./dynamic";
import { endpointOf, formatConninfo, invalidStoreUrl, parseConninfo } from "./postgres-conninfo";
import { decidePrimary, describeRole, primariesOf, type RefusalCode, type StoreRole } from "./postgres-decision";
import { lsnValue, observeServer, observeStores, roleOf, withClient, type ObservedServer } from "./postgres-observe";
import { streamsTo } from "./postgres-reseed";
import { configureAsStandby, controlData, postgresBinaries, startServer, stopServer } from "./postgres-server";
import { waitFor } from "./processes";

export interface DataStore {
  /** A superuser postgres:// URL on loopback (it may promote, and read primary_conninfo). */
  readonly url: string;
  /** The server's data directory; needed only to demote it in a planned switchover. */
  readonly dataDir?: string;
}

export interface DataPrimaryInputs {
  readonly stores: Readonly<Record<string, DataStore>>;
  /** The region whose store must take writes. */
  readonly primary: string;
}

export interface DataPrimaryOutputs extends DataPrimaryInputs {
  /** Read back: each region's server as it says it is ("primary", "replica of b", "unreachable"). */
  readonly roles: Readonly<Record<string, string>>;
}

/** A refusal: nothing was changed (or, for "switchover-incomplete", the old primary was restarted as it was). */
export class DataPrimaryRefused extends Error {
  constructor(
    readonly code: RefusalCode | "invalid-input" | "switchover-incomplete" | "promotion-failed",
    message: string,
  ) {
    super(`LocalDataPrimary: ${message}`);
    this.name = "DataPrimaryRefused";
  }
}

const PROMOTE_WAIT_SECONDS = 60;
const CATCH_UP_TIMEOUT_MS = 30_000;
const RESTREAM_TIMEOUT_MS = 30_000;

export function validate(inputs: DataPrimaryInputs): void {
  const regions = Object.keys(inputs.stores ?? {});
  if (regions.length === 0) throw new DataPrimaryRefused("invalid-input", "stores is empty; give each region's store as { url }");
  for (const region of regions) {
    const why = invalidStoreUrl(inputs.stores[region]!.url);
    if (why) throw new DataPrimaryRefused("invalid-input", `stores.${region}.url ${why}`);
  }
}

const rolesOf = (observed: Record<string, ObservedServer>, stores: DataPrimaryInputs["stores"]): Record<string, StoreRole> =>
  Object.fromEntries(Object.entries(observed).map(([region, server]) => [region, roleOf(server, stores)]));

const describeAll = (roles: Record<string, StoreRole>) => Object.fromEntries(Object.entries(roles).map(([region, role]) => [region, describeRole(role)]));

/** What serves now: the primary region ("" when none; "a,b" when two) and each region's role. */
export async function readBack(props: DataPrimaryInputs): Promise<DataPrimaryOutputs> {
  const roles = rolesOf(await observeStores(props.stores), props.stores);
  return { ...props, primary: primariesOf(roles).join(","), roles: describeAll(roles) };
}

async function acceptsWrites(url: string): Promise<boolean> {
  const server = await observeServer(url);
  return server.role === "primary";
}

/** pg_promote waits for the end of recovery itself; the check after it is a new session's view. */
async function promote(region: string, url: string): Promise<void> {
  let promoted = false;
  try {
    promoted = await withClient(url, async (client) => (await client.query<{ ok: boolean }>("SELECT pg_promote(true, $1) AS ok", [PROMOTE_WAIT_SECONDS])).rows[0]!.ok);
  } catch (error) {
    throw new DataPrimaryRefused("promotion-failed", `promoting region ${region}'s server failed: ${(error as Error).message}`);
  }
  if (!promoted || !(await waitFor(() => acceptsWrites(url), 10_000, 100))) {
    throw new DataPrimaryRefused("promotion-failed", `region ${region}'s server did not leave recovery within ${PROMOTE_WAIT_SECONDS} s of pg_promote; see its server log`);
  }
}

/**
 * The planned way: shut the primary down cleanly (its WAL senders ship everything, the shutdown
 * checkpoint last), wait until the replica has replayed past that checkpoint, promote it, and
 * restart the old primary as its standby. The old primary's WAL ends where the new one's
 * timeline branches, so it follows without a rewind. Should the replica not catch up, the old
 * primary is started again as it was and nothing else changes.
 */
async function switchover(stores: DataPrimaryInputs["stores"], from: string, to: string): Promise<void> {
  const binaries = await postgresBinaries();
  const fromDir = stores[from]!.dataDir!;
  const target = await observeServer(stores[to]!.url);
  if (target.role !== "replica") throw new DataPrimaryRefused("switchover-incomplete", `region ${to}'s server stopped being a replica before the switchover began; apply again`);
  const carried = await withClient(stores[from]!.url, async (client) => (await client.query<{ synchronous_standby_names: string }>("SHOW synchronous_standby_names")).rows[0]!.synchronous_standby_names);
  await stopServer(binaries, fromDir, "fast");
  const control = await controlData(binaries, fromDir);
  if (control.state !== "shut down") {
    await startServer(binaries, fromDir);
    throw new DataPrimaryRefused("switchover-incomplete", `region ${from}'s server did not shut down cleanly (pg_controldata: "${control.state}"); it was started again as primary; nothing else changed`);
  }
  const caughtUp = await waitFor(async () => {
    const now = await observeServer(stores[to]!.url);
    return now.role === "replica" && now.replayLsn !== null && lsnValue(now.replayLsn) > lsnValue(control.checkpointLsn);
  }, CATCH_UP_TIMEOUT_MS, 100);
  if (!caughtUp) {
    await startServer(binaries, fromDir);
    throw new DataPrimaryRefused(
      "switchover-incomplete",
      `region ${to}'s server did not replay region ${from}'s WAL up to its shutdown checkpoint ${control.checkpointLsn} within ${CATCH_UP_TIMEOUT_MS / 1000} s; ${from} was started again as primary; nothing else changed`,
    );
  }
  try {
    await promote(to, stores[to]!.url);
  } catch (error) {
    // Not restarted by itself: should the promotion still complete, that would make two primaries.
    throw new DataPrimaryRefused(
      "promotion-failed",
      `${(error as Error).message}. Region ${from}'s server is shut down cleanly with all its WAL on ${to}: once ${to} is a primary, re-seed or restart ${from} as its replica; if ${to} stays a replica, start ${from} again (pg_ctl start -D ${fromDir}) and apply again`,
    );
  }
  // The same replication credentials work against either server (physical replicas share roles).
  const toEndpoint = endpointOf(stores[to]!.url);
  const { user, password } = parseConninfo(target.primaryConninfo);
  configureAsStandby(
    fromDir,
    formatConninfo({ host: toEndpoint.host, port: String(toEndpoint.port), ...(user ? { user } : {}), ...(password ? { password } : {}), application_name: from }),
  );
  await startServer(binaries, fromDir);
  // Synchronous commit moves with the primary, once its new standby streams (before, commits would wait).
  if (carried && (await waitFor(() => streamsTo(stores[to]!.url, from), RESTREAM_TIMEOUT_MS, 200))) {
    await withClient(stores[to]!.url, async (client) => {
      await client.query(`ALTER SYSTEM SET synchronous_standby_names = '${carried.replace(/'/g, "''")}'`);
      await client.query("SELECT pg_reload_conf()");
    });
  }
}

/** `previous`: the primary applied last (from state), which tells a failback from a stray primary. */
export async function apply(inputs: DataPrimaryInputs, previous?: string): Promise<DataPrimaryOutputs> {
  validate(inputs);
  const roles = rolesOf(await observeStores(inputs.stores), inputs.stores);
  const demotable = new Set(Object.keys(inputs.stores).filter((region) => inputs.stores[region]!.dataDir));
  // A refreshed state may hold "" or "a,b": only a single known region counts.
  const last = previous !== undefined && previous in inputs.stores ? previous : undefined;
  const decision = decidePrimary({ desired: inputs.primary, roles, demotable, previous: last });
  switch (decision.action) {
    case "refuse":
      throw new DataPrimaryRefused(decision.code, decision.message);
    case "promote":
      await promote(decision.region, inputs.stores[decision.region]!.url);
      break;
    case "switchover":
      await switchover(inputs.stores, decision.from, decision.to);
      break;
    case "none":
      break;
  }
  const after = await readBack(inputs);
  if (after.primary !== inputs.primary) {
    throw new DataPrimaryRefused("promotion-failed", `after ${decision.action}, the primary is "${after.primary}" rather than ${inputs.primary} (roles: ${JSON.stringify(after.roles)})`);
  }
  return after;
}

const UPDATING_KEYS = ["stores", "primary"] as const;

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: DataPrimaryInputs) {
    return { id: `data-primary-${Object.keys(inputs.stores).sort().join("-")}`, outs: await apply(inputs) };
  },

  async read(id: string, props: DataPrimaryOutputs) {
    return { id, props: await readBack(props) };
  },

  async diff(_id: string, olds: DataPrimaryOutputs, news: DataPrimaryInputs) {
    // Never a replacement: the servers outlive the resource; a new store set is re-examined in place.
    return { changes: changedKeys<DataPrimaryInputs>(olds, news, UPDATING_KEYS).length > 0, replaces: [] };
  },

  async update(_id: string, olds: DataPrimaryOutputs, news: DataPrimaryInputs) {
    return { outs: await apply(news, olds.primary) };
  },

  // The servers are not this resource's to stop; dropping it leaves the data where it is.
  async delete() {},
};
