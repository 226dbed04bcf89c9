/**
 * Re-seeding a server as a streaming replica of another: the only safe way back for a former
 * primary that may hold writes the new primary never saw. Its data directory is moved aside
 * (kept, named in the result, for whoever wants to look at what it held), a fresh base backup of
 * the upstream takes its place with standby.signal, and it starts and streams.
 */
import { existsSync, renameSync } from "node:fs";
import { formatConninfo } from "./postgres-conninfo";
import { withClient } from "./postgres-observe";
import { mustRun, ownerFor, postgresBinaries, readServerSettings, startServer, stopServer, writeOwnedFile, SERVER_CONF } from "./postgres-server";
import { waitFor } from "./processes";
import * as path from "node:path";

export interface ReseedArgs {
  /** The server to re-seed; its switchyard-server.conf (address, port) is kept. */
  readonly dataDir: string;
  /** Its name as a standby (application_name), for pg_stat_replication and synchronous_standby_names. */
  readonly name: string;
  /** A superuser URL of the new upstream primary; its credentials also take the base backup unless `replication` is given. */
  readonly upstreamUrl: string;
  readonly replication?: { readonly user: string; readonly password: string };
  /** Make the upstream wait for this standby on commit (synchronous_standby_names = '*') once it streams. */
  readonly synchronous?: boolean;
  readonly timeoutMs?: number;
}

export interface ReseedResult {
  /** Where the old data directory went. */
  readonly movedAside: string;
}

export async function reseedAsReplica(args: ReseedArgs): Promise<ReseedResult> {
  const binaries = await postgresBinaries();
  const owner = ownerFor(args.dataDir);
  const settings = readServerSettings(args.dataDir);
  await stopServer(binaries, args.dataDir, "fast");
  const movedAside = `${args.dataDir}.before-reseed-${Date.now()}`;
  renameSync(args.dataDir, movedAside);
  const upstream = new URL(args.upstreamUrl);
  const conninfo = formatConninfo({
    host: upstream.hostname,
    port: upstream.port || "5432",
    user: args.replication?.user ?? decodeURIComponent(upstream.username),
    password: args.replication?.password ?? decodeURIComponent(upstream.password),
    application_name: args.name,
  });
  // -R writes standby.signal and primary_conninfo (with the password) into the copy.
  await mustRun(binaries.pgBasebackup, ["-D", args.dataDir, "-R", "-X", "stream", "-c", "fast", "-d", conninfo], { owner, timeoutMs: args.timeoutMs ?? 120_000 });
  if (!existsSync(path.join(args.dataDir, "standby.signal"))) throw new Error(`pg_basebackup -R left no standby.signal in ${args.dataDir}`);
  // The copy holds the upstream's own address and port: put this server's back.
  writeOwnedFile(path.join(args.dataDir, SERVER_CONF), settings, owner);
  await startServer(binaries, args.dataDir);
  const streaming = await waitFor(() => streamsTo(args.upstreamUrl, args.name), args.timeoutMs ?? 60_000, 200);
  if (!streaming) throw new Error(`re-seeded server ${args.name} (${args.dataDir}) started but does not stream from its upstream; see ${args.dataDir}.log`);
  if (args.synchronous) {
    await withClient(args.upstreamUrl, async (client) => {
      await client.query("ALTER SYSTEM SET synchronous_standby_names = '*'");
      await client.query("SELECT pg_reload_conf()");
    });
  }
  return { movedAside };
}

/** True when the primary at `upstreamUrl` lists standby `name` as streaming. */
export async function streamsTo(upstreamUrl: string, name: string): Promise<boolean> {
  try {
    return await withClient(upstreamUrl, async (client) => {
      const { rows } = await client.query("SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", [name]);
      return rows.length > 0;
    });
  } catch {
    return false;
  }
}
