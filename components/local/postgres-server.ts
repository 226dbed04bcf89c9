/**
 * One local PostgreSQL server as its data directory: start, stop, its settings, its last
 * checkpoint, and turning a stopped primary into a standby. Everything a restart needs lives in
 * the data directory (the server's own settings in switchyard-server.conf), so that whoever
 * restarts it (a test, the data-primary provider) needs only the path. The server refuses to run
 * as root: as root, every command runs as the data directory's owner.
 */
import { execFile } from "node:child_process";
import { appendFileSync, chownSync, existsSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
  readonly pgBasebackup: string;
  readonly pgControldata: string;
  readonly version: string;
}

/** Set-up's search (PATH, then /usr/lib/postgresql/*\/bin); the other tools sit beside pg_ctl. */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const url = pathToFileURL(path.join(__dirname, "..", "..", "bootstrap", "ensure-postgres.mjs")).href;
  const bootstrap = (await import(url)) as { findPostgres(): Omit<PostgresBinaries, "pgBasebackup" | "pgControldata"> | undefined };
  const found = bootstrap.findPostgres();
  if (!found) {
    throw new Error("PostgreSQL is needed: initdb/pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin; install it with: apt-get install -y postgresql (or run: node bootstrap/ensure-postgres.mjs)");
  }
  // Beside the real pg_ctl: PATH may hold only symlinks to initdb, pg_ctl and postgres.
  const bin = path.dirname(realpathSync(found.pgCtl));
  return { ...found, pgBasebackup: path.join(bin, "pg_basebackup"), pgControldata: path.join(bin, "pg_controldata") };
}

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** Whom to run as for `dir`: its owner when we are root, else ourselves (undefined). */
export function ownerFor(dir: string): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const { uid, gid } = statSync(dir);
  return { uid, gid };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a PostgreSQL tool as `owner`; resolves with its exit code whatever it is. */
export function runTool(file: string, args: readonly string[], options: { owner?: Owner; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { ...options.owner, cwd: "/", env: { ...process.env, LC_ALL: "C", ...options.env }, timeout: options.timeoutMs ?? 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && code !== 0 ? error.message : "") });
      },
    );
  });
}

/** Like runTool, but a non-zero exit is an error naming the tool and its output. */
export async function mustRun(file: string, args: readonly string[], options: Parameters<typeof runTool>[2] = {}): Promise<string> {
  const result = await runTool(file, args, options);
  if (result.code !== 0) throw new Error(`${path.basename(file)} ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/** The server's log, beside its data directory. */
export const serverLog = (dataDir: string) => `${dataDir}.log`;

export const SERVER_CONF = "switchyard-server.conf";

export interface ServerSettings {
  readonly address: string;
  readonly port: number;
  /** Where the unix socket goes (short: the path must stay under ~107 bytes). */
  readonly socketDir: string;
}

/** A string as postgresql.conf quotes it. */
export const confString = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/** Writes `file` as the data directory's owner would. */
export function writeOwnedFile(file: string, text: string, owner: Owner | undefined, append = false): void {
  if (append) appendFileSync(file, text, { mode: 0o600 });
  else writeFileSync(file, text, { mode: 0o600 });
  if (owner) chownSync(file, owner.uid, owner.gid);
}

/**
 * This server's own address, port and socket. A base backup copies the upstream's file, so a
 * replica writes its own over it; postgresql.conf includes it once.
 */
export function writeServerSettings(dataDir: string, settings: ServerSettings): void {
  const owner = ownerFor(dataDir);
  const text = [`listen_addresses = ${confString(settings.address)}`, `port = ${settings.port}`, `unix_socket_directories = ${confString(settings.socketDir)}`, ""].join("\n");
  writeOwnedFile(path.join(dataDir, SERVER_CONF), text, owner);
  const main = path.join(dataDir, "postgresql.conf");
  const include = `include_if_exists = '${SERVER_CONF}'`;
  if (!readFileSync(main, "utf8").includes(include)) writeOwnedFile(main, `\n${include}\n`, owner, true);
}

export function readServerSettings(dataDir: string): string {
  return readFileSync(path.join(dataDir, SERVER_CONF), "utf8");
}

export async function startServer(binaries: PostgresBinaries, dataDir: string): Promise<void> {
  await mustRun(binaries.pgCtl, ["start", "-D", dataDir, "-l", serverLog(dataDir), "-w", "-t", "60"], { owner: ownerFor(dataDir) });
}

/** pg_ctl's own answer (exit 0: running; 3: not running). */
export async function isServerRunning(binaries: PostgresBinaries, dataDir: string): Promise<boolean> {
  if (!existsSync(dataDir)) return false;
  return (await runTool(binaries.pgCtl, ["status", "-D", dataDir], { owner: ownerFor(dataDir) })).code === 0;
}

/** "fast" ends sessions and writes a shutdown checkpoint; its WAL senders ship all WAL before they exit. */
export async function stopServer(binaries: PostgresBinaries, dataDir: string, mode: "fast" | "immediate" = "fast"): Promise<void> {
  if (!(await isServerRunning(binaries, dataDir))) return;
  await mustRun(binaries.pgCtl, ["stop", "-D", dataDir, "-m", mode, "-w", "-t", "60"], { owner: ownerFor(dataDir) });
}

/** The postmaster's pid from postmaster.pid; undefined when there is none. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface ControlData {
  readonly state: string;
  readonly checkpointLsn: string;
}

/** pg_controldata's "Database cluster state" and "Latest checkpoint location". */
export function parseControlData(text: string): ControlData {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "m").exec(text)?.[1]?.trim() ?? "";
  return { state: field("Database cluster state"), checkpointLsn: field("Latest checkpoint location") };
}

export async function controlData(binaries: PostgresBinaries, dataDir: string): Promise<ControlData> {
  return parseControlData(await mustRun(binaries.pgControldata, ["-D", dataDir], { owner: ownerFor(dataDir) }));
}

/**
 * Turns a cleanly stopped primary into a standby of `primaryConninfo`: standby.signal plus the
 * connection (later lines of postgresql.auto.conf win). It stops being a synchronous-commit
 * primary too, or a later promotion would wait for standbys nobody configured.
 */
export function configureAsStandby(dataDir: string, primaryConninfo: string): void {
  const owner = ownerFor(dataDir);
  writeOwnedFile(path.join(dataDir, "standby.signal"), "", owner);
  const lines = [`primary_conninfo = ${confString(primaryConninfo)}`, "synchronous_standby_names = ''", ""];
  writeOwnedFile(path.join(dataDir, "postgresql.auto.conf"), `\n${lines.join("\n")}`, owner, true);
}
