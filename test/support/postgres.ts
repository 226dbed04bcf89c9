/**
 * A throwaway PostgreSQL server for tests of the postgres state backend: initdb into a temp
 * dir, a unix socket in that dir and a TCP port on 127.0.0.1, password authentication. The
 * server refuses to run as root, so as root it runs as the `postgres` system user. Fails (never
 * skips) naming what is missing.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "pg";
import { freePort } from "./ports";

export interface PostgresServer {
  readonly port: number;
  readonly user: string;
  /** Random per server; tests check that it is never printed. */
  readonly password: string;
  /** A Pulumi backend URL for a database on this server. */
  backendUrl(database: string): string;
  createDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

interface Binaries {
  readonly initdb: string;
  readonly pgCtl: string;
}

/** Set-up's search (PATH, then /usr/lib/postgresql/*\/bin); plain JavaScript, loaded by URL and typed here. */
async function findPostgresBinaries(): Promise<Binaries | undefined> {
  const url = pathToFileURL(path.join(__dirname, "..", "..", "bootstrap", "ensure-postgres.mjs")).href;
  const bootstrap = (await import(url)) as { findPostgres(): Binaries | undefined };
  return bootstrap.findPostgres();
}

/** The user the server runs as: ourselves, or `postgres` when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = spawnSync("getent", ["passwd", "postgres"], { encoding: "utf8" }).stdout.trim();
  const [, , uid, gid] = entry.split(":");
  if (!uid || !gid) {
    throw new Error("PostgreSQL refuses to run as root and there is no `postgres` system user to run it as; install Debian's postgresql package (node bootstrap/ensure-postgres.mjs) or run the tests as another user");
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: string[], options: { cwd: string; uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, env: { ...process.env, LC_ALL: "C" }, timeout: 60_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${path.basename(file)} ${args[0]} failed: ${stderr || error.message}`)) : resolve(),
    );
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const binaries = await findPostgresBinaries();
  if (!binaries) {
    throw new Error("PostgreSQL is needed for the postgres backend tests: initdb/pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin; install it with: apt-get install -y postgresql (or run: node bootstrap/ensure-postgres.mjs)");
  }
  const owner = serverUser();
  // Short, in /tmp: the socket path must stay under ~107 bytes.
  const dir = mkdtempSync(path.join(tmpdir(), "sy-pg-"));
  const as = { cwd: dir, ...owner };
  const user = "switchyard";
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  const dataDir = path.join(dir, "data");
  const pwFile = path.join(dir, "pw");
  writeFileSync(pwFile, password, { mode: 0o600 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwFile, owner.uid, owner.gid);
  }
  let started = false;
  const stop = async () => {
    if (started) await run(binaries.pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"], as).catch(() => undefined);
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(binaries.initdb, ["-D", dataDir, "-U", user, `--pwfile=${pwFile}`, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"], as);
    const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
    await run(binaries.pgCtl, ["start", "-D", dataDir, "-l", path.join(dir, "log"), "-w", "-t", "30", "-o", settings], as);
    started = true;
  } catch (error) {
    await stop();
    throw error;
  }
  const admin = async <T>(action: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ host: "127.0.0.1", port, user, password, database: "postgres" });
    await client.connect();
    try {
      return await action(client);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    user,
    password,
    backendUrl: (database) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
    async createDatabase(database) {
      await admin((client) => client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`));
    },
    stop,
  };
}
