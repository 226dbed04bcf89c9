/**
 * A client of HAProxy's Runtime API (the admin socket). Weight changes through it take effect at
 * once for new requests and drop no open connection, which is why the local target uses it
 * instead of reloading configuration.
 */
import { connect } from "node:net";

export type AdminState = "ready" | "maint" | "drain";
export type Slot = "blue" | "green";

export class RuntimeApiError extends Error {}

/** Sends one command and returns HAProxy's whole answer. */
export function runtimeCommand(socketPath: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RuntimeApiError(`HAProxy runtime API at ${socketPath} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(new RuntimeApiError(`HAProxy runtime API at ${socketPath}: ${error.message}`));
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Commands that change state answer with an empty line on success, and with a message otherwise. */
async function mutate(socketPath: string, command: string): Promise<void> {
  const answer = (await runtimeCommand(socketPath, command)).trim();
  if (answer !== "") throw new RuntimeApiError(`HAProxy refused "${command}": ${answer}`);
}

export function setWeight(socketPath: string, backend: string, server: string, weight: number): Promise<void> {
  return mutate(socketPath, `set weight ${backend}/${server} ${weight}`);
}

export function setAdminState(socketPath: string, backend: string, server: string, state: AdminState): Promise<void> {
  return mutate(socketPath, `set server ${backend}/${server} state ${state}`);
}

/** Runs the server's configured health check again (after `disable health`). */
export function enableHealthChecks(socketPath: string, backend: string, server: string): Promise<void> {
  return mutate(socketPath, `enable health ${backend}/${server}`);
}

export interface ServerStat {
  readonly server: string;
  /** UP, DOWN, MAINT, DRAIN, NOLB, "no check", ... */
  readonly status: string;
  readonly weight: number;
  /** Sessions (requests in HTTP mode) sent to the server since start. */
  readonly sessionsTotal: number;
  readonly responses5xx: number;
  readonly responsesTotal: number;
  /** Average response time over the last 1024 requests, in ms. */
  readonly responseTimeMs: number;
}

/** Parses the CSV of `show stat`, keeping the servers of one backend. */
export function parseServerStats(csv: string, backend: string): ServerStat[] {
  const lines = csv.split("\n").filter((line) => line.trim() !== "");
  const header = lines.shift()?.replace(/^# /, "").split(",");
  if (!header) throw new RuntimeApiError("empty answer to show stat");
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new RuntimeApiError(`show stat has no column ${name}`);
    return index;
  };
  const cols = {
    px: column("pxname"),
    sv: column("svname"),
    status: column("status"),
    weight: column("weight"),
    stot: column("stot"),
    h1: column("hrsp_1xx"),
    h2: column("hrsp_2xx"),
    h3: column("hrsp_3xx"),
    h4: column("hrsp_4xx"),
    h5: column("hrsp_5xx"),
    other: column("hrsp_other"),
    rtime: column("rtime"),
  };
  const num = (value: string | undefined) => (value ? Number(value) || 0 : 0);
  return lines
    .map((line) => line.split(","))
    .filter((f) => f[cols.px] === backend && f[cols.sv] !== "BACKEND" && f[cols.sv] !== "FRONTEND")
    .map((f) => ({
      server: f[cols.sv]!,
      status: f[cols.status]!,
      weight: num(f[cols.weight]),
      sessionsTotal: num(f[cols.stot]),
      responses5xx: num(f[cols.h5]),
      responsesTotal: [cols.h1, cols.h2, cols.h3, cols.h4, cols.h5, cols.other].reduce((sum, i) => sum + num(f[i]), 0),
      responseTimeMs: num(f[cols.rtime]),
    }));
}

export async function serverStats(socketPath: string, backend: string): Promise<ServerStat[]> {
  return parseServerStats(await runtimeCommand(socketPath, "show stat"), backend);
}

/** What an operator sees of one server: weight and administrative state. */
export interface ServerView {
  readonly weight: number;
  readonly adminState: AdminState;
}

export type HealthChecks = "enabled" | "disabled";

// srv_check_state bit CHK_ST_ENABLED: the configured check runs.
const CHECK_ENABLED = 0x04;

/** Maps `show stat` status to the administrative state an operator sets (`set server ... state`). */
export function adminStateOf(status: string): AdminState {
  if (status.startsWith("MAINT")) return "maint";
  if (status.startsWith("DRAIN")) return "drain";
  return "ready";
}

/** One server as `show servers state` gives it: what HAProxy really sends traffic to. */
export interface ServerState {
  readonly server: string;
  readonly address: string;
  readonly port: number;
  /** The weight set by configuration or `set weight` (not scaled by drain or slow start). */
  readonly weight: number;
  readonly adminState: AdminState;
  /** Whether HAProxy health-checks it: with checks disabled, `set server ... health down` holds for good. */
  readonly checks: HealthChecks;
}

// srv_admin_state bits (HAProxy's SRV_ADMF_*): forced, inherited, config, resolver and
// health-check maintenance; forced and inherited drain.
const MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const DRAIN_BITS = 0x08 | 0x10;

/** The administrative state in `srv_admin_state`; unlike `show stat`'s status, a DOWN server keeps it. */
export function adminStateOfBits(bits: number): AdminState {
  if (bits & MAINT_BITS) return "maint";
  if (bits & DRAIN_BITS) return "drain";
  return "ready";
}

/** Parses `show servers state <backend>` (format version 1, columns named by its header). */
export function parseServersState(text: string, backend: string): ServerState[] {
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const headerLine = lines.find((line) => line.startsWith("# "));
  if (!headerLine) throw new RuntimeApiError(`show servers state ${backend} gave no header: ${text.trim().slice(0, 200)}`);
  const header = headerLine.slice(2).split(" ");
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new RuntimeApiError(`show servers state has no column ${name}`);
    return index;
  };
  const cols = { be: column("be_name"), sv: column("srv_name"), addr: column("srv_addr"), port: column("srv_port"), admin: column("srv_admin_state"), weight: column("srv_uweight"), check: column("srv_check_state") };
  return lines
    .filter((line) => !line.startsWith("#") && line.includes(" "))
    .map((line) => line.split(" "))
    .filter((f) => f[cols.be] === backend)
    .map((f) => ({
      server: f[cols.sv]!,
      address: f[cols.addr]!,
      port: Number(f[cols.port]),
      weight: Number(f[cols.weight]),
      adminState: adminStateOfBits(Number(f[cols.admin])),
      checks: Number(f[cols.check]) & CHECK_ENABLED ? ("enabled" as const) : ("disabled" as const),
    }));
}

export async function serversState(socketPath: string, backend: string, timeoutMs = 5000): Promise<ServerState[]> {
  return parseServersState(await runtimeCommand(socketPath, `show servers state ${backend}`, timeoutMs), backend);
}

/** The live state of each of `servers`, by name; a server the backend lacks is an error. */
export async function readServerStates(socketPath: string, backend: string, servers: readonly string[], timeoutMs = 5000): Promise<Record<string, ServerState>> {
  const states = await serversState(socketPath, backend, timeoutMs);
  const byName: Record<string, ServerState> = {};
  for (const name of servers) {
    const state = states.find((s) => s.server === name);
    if (!state) throw new RuntimeApiError(`backend ${backend} has no server ${name}`);
    byName[name] = state;
  }
  return byName;
}

export async function readServers(socketPath: string, backend: string, servers: readonly string[], timeoutMs = 5000): Promise<Record<string, ServerView>> {
  const states = await readServerStates(socketPath, backend, servers, timeoutMs);
  return Object.fromEntries(Object.entries(states).map(([name, state]) => [name, { weight: state.weight, adminState: state.adminState }]));
}

/** Points a server at `address:port`, as `set server ... addr` does, and checks HAProxy took it. */
export async function setServerAddress(socketPath: string, backend: string, server: string, address: string, port: number): Promise<void> {
  const command = `set server ${backend}/${server} addr ${address} port ${port}`;
  const answer = (await runtimeCommand(socketPath, command)).trim();
  // HAProxy answers this one with a sentence on success too ("... changed from ... to ...").
  if (answer !== "" && !/changed|no need to change/i.test(answer)) throw new RuntimeApiError(`HAProxy refused "${command}": ${answer}`);
}

/** `show stat` status of a frontend: OPEN when it accepts connections, STOP when disabled. */
export function frontendStatusOf(csv: string, frontend: string): string | undefined {
  const lines = csv.split("\n").filter((line) => line.trim() !== "");
  const header = lines.shift()?.replace(/^# /, "").split(",") ?? [];
  const [px, sv, status] = ["pxname", "svname", "status"].map((name) => header.indexOf(name)) as [number, number, number];
  if (px < 0 || sv < 0 || status < 0) throw new RuntimeApiError("show stat has no pxname/svname/status columns");
  return lines.map((line) => line.split(",")).find((f) => f[px] === frontend && f[sv] === "FRONTEND")?.[status];
}

export async function frontendStatus(socketPath: string, frontend: string, timeoutMs = 5000): Promise<string | undefined> {
  return frontendStatusOf(await runtimeCommand(socketPath, "show stat", timeoutMs), frontend);
}

export function enableFrontend(socketPath: string, frontend: string): Promise<void> {
  return mutate(socketPath, `enable frontend ${frontend}`);
}

/** Writes the servers' live state where HAProxy reloads it from, so a restart keeps the weights. */
export async function dumpServerState(socketPath: string, backend: string): Promise<string> {
  return runtimeCommand(socketPath, `show servers state ${backend}`);
}
