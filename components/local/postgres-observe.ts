/**
 * What a PostgreSQL server says it is, asked over SQL: primary or replica, whom a replica
 * streams from, how far it has received and replayed. Read-only; every connection is closed.
 */
import { Client } from "pg";
import { parseConninfo, regionAt, type Endpoint } from "./postgres-conninfo";
import type { StoreRole } from "./postgres-decision";

export type ObservedServer =
  | { readonly role: "primary"; readonly walLsn: string }
  | {
      readonly role: "replica";
      /** Where it streams from now, else where its primary_conninfo points; null when neither says. */
      readonly upstream: Endpoint | null;
      readonly streaming: boolean;
      readonly receiveLsn: string | null;
      readonly replayLsn: string | null;
      readonly primaryConninfo: string;
    }
  | { readonly role: "unreachable"; readonly reason: string };

const CONNECT_TIMEOUT_MS = 3000;

/** Runs `action` on a fresh connection to `url`, closing it whatever happens. */
export async function withClient<T>(url: string, action: (client: Client) => Promise<T>, timeoutMs = CONNECT_TIMEOUT_MS): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: 10 * timeoutMs });
  // A server killed mid-session emits 'error' on the client; unhandled, it would end the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's own answer; any failure to connect or ask is "unreachable" with the reason. */
export async function observeServer(url: string, timeoutMs = CONNECT_TIMEOUT_MS): Promise<ObservedServer> {
  try {
    return await withClient(url, async (client) => {
      const { rows } = await client.query<{ recovery: boolean }>("SELECT pg_is_in_recovery() AS recovery");
      if (!rows[0]!.recovery) {
        const lsn = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
        return { role: "primary", walLsn: lsn.rows[0]!.lsn };
      }
      const receiver = await client.query<{ status: string; sender_host: string | null; sender_port: number | null }>(
        "SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver",
      );
      const lsns = await client.query<{ receive: string | null; replay: string | null }>(
        "SELECT pg_last_wal_receive_lsn()::text AS receive, pg_last_wal_replay_lsn()::text AS replay",
      );
      // primary_conninfo is readable by superusers (and pg_read_all_settings) only.
      const conninfo = await client.query<{ primary_conninfo: string }>("SHOW primary_conninfo");
      const primaryConninfo = conninfo.rows[0]!.primary_conninfo;
      const live = receiver.rows[0];
      const streaming = live?.status === "streaming";
      return {
        role: "replica",
        upstream: upstreamOf(live?.sender_host ?? null, live?.sender_port ?? null, primaryConninfo),
        streaming,
        receiveLsn: lsns.rows[0]!.receive,
        replayLsn: lsns.rows[0]!.replay,
        primaryConninfo,
      };
    }, timeoutMs);
  } catch (error) {
    return { role: "unreachable", reason: (error as Error).message || String(error) };
  }
}

function upstreamOf(senderHost: string | null, senderPort: number | null, conninfo: string): Endpoint | null {
  if (senderHost && senderPort) return { host: senderHost, port: senderPort };
  const fields = parseConninfo(conninfo);
  return fields.host ? { host: fields.host, port: Number(fields.port || 5432) } : null;
}

/** The decision's view: a replica's upstream named by region when it is one of the stores. */
export function roleOf(server: ObservedServer, stores: Readonly<Record<string, { readonly url: string }>>): StoreRole {
  switch (server.role) {
    case "primary":
      return { role: "primary" };
    case "unreachable":
      return { role: "unreachable", reason: server.reason };
    case "replica":
      return { role: "replica", of: server.upstream ? regionAt(stores, server.upstream) : null, streaming: server.streaming };
  }
}

/** Every store observed at once. */
export async function observeStores(stores: Readonly<Record<string, { readonly url: string }>>): Promise<Record<string, ObservedServer>> {
  const entries = await Promise.all(Object.entries(stores).map(async ([region, store]) => [region, await observeServer(store.url)] as const));
  return Object.fromEntries(entries);
}

/** LSNs compare as two 32-bit hex halves: "16/B374D848" → a bigint. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}
