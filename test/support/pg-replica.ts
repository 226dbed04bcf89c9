/**
 * A PostgreSQL primary with a streaming replica on loopback, for tests where RPO must be real:
 * initdb the primary, base-backup the replica from it (pg_basebackup -R), start both and wait
 * until the primary lists the replica as streaming. Synchronous mode makes every commit wait
 * until the replica has flushed it. A writer inserts numbered rows and records which inserts
 * were acknowledged, so that after a fault the acknowledged rows missing on a server are the
 * writes lost. As root the servers run as the `postgres` user (they refuse root).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { formatConninfo } from "../../components/local/postgres-conninfo";
import { withClient } from "../../components/local/postgres-observe";
import { reseedAsReplica, streamsTo } from "../../components/local/postgres-reseed";
import {
  mustRun,
  postgresBinaries,
  postmasterPid,
  startServer,
  stopServer,
  writeOwnedFile,
  writeServerSettings,
  type Owner,
  type PostgresBinaries,
} from "../../components/local/postgres-server";
import { waitFor } from "../../components/local/processes";
import { freePort } from "./ports";

export type Which = "primary" | "replica";

export interface ServerSpec {
  readonly address?: string;
  readonly port?: number;
  /** The standby's application_name; defaults to "primary" / "replica". */
  readonly name?: string;
}

export interface ReplicatedPostgresOptions {
  readonly primary?: ServerSpec;
  readonly replica?: ServerSpec;
  readonly synchronous: boolean;
}

export interface WriterReport {
  readonly attempted: number;
  readonly acknowledged: number;
  readonly failed: number;
}

export interface Writer {
  /** Stops issuing inserts, waits for the one in flight, closes the connection. */
  stop(): Promise<WriterReport>;
  report(): WriterReport;
}

export interface ReplicatedPostgres {
  /** Superuser URLs (database postgres); the keys name the servers' roles at start. */
  readonly urls: Record<Which, string>;
  readonly dataDirs: Record<Which, string>;
  readonly names: Record<Which, string>;
  readonly replication: { readonly user: string; readonly password: string };
  /** Stops both servers and removes every temp dir; safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL to the server's postmaster: a crash, no shutdown checkpoint, no WAL shipped after. */
  kill(which: Which): Promise<void>;
  /** Inserts numbered rows into `url`'s server at `ratePerSecond` until stopped. */
  writer(url: string, ratePerSecond?: number): Writer;
  /** How many rows whose insert was acknowledged (by any writer of this cluster) `url`'s server holds. */
  countAcknowledgedPresent(url: string): Promise<number>;
  readonly acknowledgedCount: () => number;
  /** The replica's replay lag as the primary sees it (seconds; 0 when caught up, null when unknown). */
  lagSeconds(primaryUrl?: string): Promise<number | null>;
  /** Re-seeds `which` as a streaming replica of the server at `upstreamUrl`. */
  reseed(which: Which, upstreamUrl: string, synchronous?: boolean): Promise<void>;
}

const SUPERUSER = "switchyard";
const TABLE = "sy_writes";

function postgresOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const [, , uid, gid] = spawnSync("getent", ["passwd", "postgres"], { encoding: "utf8" }).stdout.trim().split(":");
  if (!uid || !gid) throw new Error("PostgreSQL refuses to run as root and there is no `postgres` system user to run it as; install Debian's postgresql package (node bootstrap/ensure-postgres.mjs) or run the tests as another user");
  return { uid: Number(uid), gid: Number(gid) };
}

const urlOf = (address: string, port: number, password: string) => `postgres://${SUPERUSER}:${password}@${address}:${port}/postgres?sslmode=disable`;

export async function startReplicatedPostgres(options: ReplicatedPostgresOptions): Promise<ReplicatedPostgres> {
  const binaries = await postgresBinaries();
  const owner = postgresOwner();
  // Short, in /tmp: the socket paths must stay under ~107 bytes.
  const root = mkdtempSync(path.join(tmpdir(), "sy-pgr-"));
  const own = (p: string) => owner && chownSync(p, owner.uid, owner.gid);
  own(root);
  const dirs = { primary: path.join(root, "p"), replica: path.join(root, "r") };
  const names = { primary: options.primary?.name ?? "primary", replica: options.replica?.name ?? "replica" };
  const address = { primary: options.primary?.address ?? "127.0.0.1", replica: options.replica?.address ?? "127.0.0.1" };
  const port = { primary: options.primary?.port ?? (await freePort()), replica: options.replica?.port ?? (await freePort()) };
  const password = randomBytes(12).toString("hex");
  const replication = { user: "replicator", password: randomBytes(12).toString("hex") };
  const urls = { primary: urlOf(address.primary, port.primary, password), replica: urlOf(address.replica, port.replica, password) };
  const dataDirs = { primary: path.join(dirs.primary, "data"), replica: path.join(dirs.replica, "data") };
  const writers: WriterImpl[] = [];
  const acknowledged = new Set<number>();
  let nextSeq = 1;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(writers.map((w) => w.stop()));
    for (const dataDir of Object.values(dataDirs)) await stopHard(binaries, dataDir);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    for (const dir of Object.values(dirs)) {
      mkdirSync(dir);
      own(dir);
    }
    const pwFile = path.join(root, "pw");
    writeFileSync(pwFile, password, { mode: 0o600 });
    own(pwFile);
    await mustRun(binaries.initdb, ["-D", dataDirs.primary, "-U", SUPERUSER, `--pwfile=${pwFile}`, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"], { owner });
    rmSync(pwFile);
    // Every loopback address, for clients and for replication (the regions may use 127.0.0.x).
    writeOwnedFile(path.join(dataDirs.primary, "pg_hba.conf"), "host all all 127.0.0.0/8 scram-sha-256\nhost replication all 127.0.0.0/8 scram-sha-256\n", owner, true);
    // Replication settings travel with the base backup; wal_keep_size lets a replica that fell behind catch up.
    const shared = ["wal_level = replica", "max_wal_senders = 10", "hot_standby = on", "wal_keep_size = '256MB'", "fsync = off", "full_page_writes = on", ""];
    writeOwnedFile(path.join(dataDirs.primary, "postgresql.conf"), `\n${shared.join("\n")}`, owner, true);
    writeServerSettings(dataDirs.primary, { address: address.primary, port: port.primary, socketDir: dirs.primary });
    await startServer(binaries, dataDirs.primary);
    await withClient(urls.primary, async (client) => {
      await client.query(`CREATE ROLE ${replication.user} WITH REPLICATION LOGIN PASSWORD '${replication.password}'`);
      await client.query(`CREATE TABLE ${TABLE} (seq bigint PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())`);
    });
    const conninfo = formatConninfo({ host: address.primary, port: String(port.primary), user: replication.user, password: replication.password, application_name: names.replica });
    await mustRun(binaries.pgBasebackup, ["-D", dataDirs.replica, "-R", "-X", "stream", "-c", "fast", "-d", conninfo], { owner });
    writeServerSettings(dataDirs.replica, { address: address.replica, port: port.replica, socketDir: dirs.replica });
    await startServer(binaries, dataDirs.replica);
    if (!(await waitFor(() => streamsTo(urls.primary, names.replica), 60_000, 200))) {
      throw new Error(`the replica does not stream from the primary; see ${dataDirs.replica}.log`);
    }
    // Only now: set before the replica streams, every commit would wait for it (the base backup too).
    if (options.synchronous) await setSynchronous(urls.primary, names.replica);
  } catch (error) {
    await stop();
    throw error;
  }

  const handle: ReplicatedPostgres = {
    urls,
    dataDirs,
    names,
    replication,
    stop,
    async kill(which) {
      const pid = postmasterPid(dataDirs[which]);
      if (pid === undefined) throw new Error(`${which} has no postmaster.pid: is it running?`);
      process.kill(pid, "SIGKILL");
      // Its backends notice the postmaster's death and exit; wait so that nothing answers any more.
      await waitFor(() => !alive(pid), 10_000, 20);
    },
    writer(url, ratePerSecond = 50) {
      const writer = new WriterImpl(url, ratePerSecond, () => nextSeq++, (seq) => acknowledged.add(seq));
      writers.push(writer);
      return writer;
    },
    async countAcknowledgedPresent(url) {
      return withClient(url, async (client) => {
        const { rows } = await client.query<{ seq: string }>(`SELECT seq FROM ${TABLE}`);
        return rows.filter((row) => acknowledged.has(Number(row.seq))).length;
      });
    },
    acknowledgedCount: () => acknowledged.size,
    async lagSeconds(primaryUrl = urls.primary) {
      return withClient(primaryUrl, async (client) => {
        const { rows } = await client.query<{ lag: number | null }>("SELECT EXTRACT(EPOCH FROM COALESCE(replay_lag, '0'::interval))::float8 AS lag FROM pg_stat_replication LIMIT 1");
        return rows[0]?.lag ?? null;
      });
    },
    async reseed(which, upstreamUrl, synchronous = false) {
      await reseedAsReplica({ dataDir: dataDirs[which], name: names[which], upstreamUrl, replication, synchronous });
    },
  };
  return handle;
}

export async function setSynchronous(primaryUrl: string, standby: string): Promise<void> {
  await withClient(primaryUrl, async (client) => {
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = '"${standby}"'`);
    await client.query("SELECT pg_reload_conf()");
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a server whatever its state (a killed one leaves only stray backends, if any). */
async function stopHard(binaries: PostgresBinaries, dataDir: string): Promise<void> {
  await stopServer(binaries, dataDir, "immediate").catch(() => undefined);
  const pid = postmasterPid(dataDir);
  if (pid !== undefined && alive(pid)) {
    process.kill(pid, "SIGKILL");
    await waitFor(() => !alive(pid), 10_000, 20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One insert at a time on one connection, paced to the rate. A failed insert (refused, cut,
 * timed out) is not acknowledged, whatever the server did with it; the next one reconnects.
 */
class WriterImpl implements Writer {
  private running = true;
  private readonly done: Promise<void>;
  private attempted = 0;
  private acked = 0;
  private failed = 0;
  private client: Client | undefined;

  constructor(
    private readonly url: string,
    ratePerSecond: number,
    nextSeq: () => number,
    onAcknowledged: (seq: number) => void,
  ) {
    const interval = 1000 / ratePerSecond;
    this.done = (async () => {
      let due = Date.now();
      while (this.running) {
        const seq = nextSeq();
        this.attempted++;
        try {
          const client = await this.connected();
          await client.query(`INSERT INTO ${TABLE} (seq) VALUES ($1)`, [seq]);
          this.acked++;
          onAcknowledged(seq);
        } catch {
          this.failed++;
          await this.drop();
        }
        // Paced, never bursting to catch up after a slow insert.
        due = Math.max(due + interval, Date.now());
        await sleep(due - Date.now());
      }
      await this.drop();
    })();
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000, query_timeout: 5000 });
    client.on("error", () => undefined);
    await client.connect();
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  report(): WriterReport {
    return { attempted: this.attempted, acknowledged: this.acked, failed: this.failed };
  }

  async stop(): Promise<WriterReport> {
    this.running = false;
    await this.done;
    return this.report();
  }
}
