/**
 * What Linux's /proc says about a local process: whether it runs, is stopped (SIGSTOP: alive
 * but answering nothing), or is gone; and whether it holds a listening TCP socket on a port.
 * Read-back of the local target uses these so that "alive" never stands in for "serving".
 * The parsers are pure and table-tested; the readers are thin.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** `running` also covers sleeping and waiting: all of them can answer; `stopped` cannot. */
export type ProcessState = "running" | "stopped" | "gone";

/** The state letter of /proc/<pid>/stat → what it means for serving. Zombies are gone. */
export function processStateOf(stat: string | undefined): ProcessState {
  // The command name is in parentheses and may itself hold spaces or parentheses.
  const letter = stat?.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  if (!letter || letter === "Z" || letter === "X" || letter === "x") return "gone";
  // T: stopped by a signal; t: stopped by a tracer. Neither runs a request.
  if (letter === "T" || letter === "t") return "stopped";
  return "running";
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The state of `pid`, provided its command line holds `marker` (pids are reused). */
export function processState(pid: number | undefined, marker: string): ProcessState {
  if (!pid || pid <= 0) return "gone";
  const cmd = readOr(`/proc/${pid}/cmdline`)?.split("\0").join(" ");
  if (cmd === undefined || !cmd.includes(marker)) return "gone";
  return processStateOf(readOr(`/proc/${pid}/stat`));
}

/** The hex form /proc/net/tcp gives an IPv4 address: 127.0.0.1 → 0100007F (little-endian). */
export function hexAddressOf(ipv4: string): string {
  return ipv4
    .split(".")
    .reverse()
    .map((part) => Number(part).toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

const LISTEN = "0A";
const ANY_V4 = "00000000";

/**
 * Inodes of the sockets that listen on `address:port` in a /proc/net/tcp table (a wildcard
 * bind counts: it also takes connections to `address`).
 */
export function listeningInodes(table: string, address: string, port: number): Set<string> {
  const wanted = new Set([`${hexAddressOf(address)}:${port.toString(16).toUpperCase().padStart(4, "0")}`, `${ANY_V4}:${port.toString(16).toUpperCase().padStart(4, "0")}`]);
  const inodes = new Set<string>();
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    if (f[3] === LISTEN && wanted.has(f[1]!.toUpperCase())) inodes.add(f[9]!);
  }
  return inodes;
}

/** True when `pid` itself has a socket open that listens on `address:port` (IPv4). */
export function holdsPort(pid: number, address: string, port: number): boolean {
  const inodes = listeningInodes(readOr("/proc/net/tcp") ?? "", address, port);
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return true;
    } catch {
      // The fd closed between readdir and readlink.
    }
  }
  return false;
}
