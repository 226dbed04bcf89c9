/**
 * No engine process outlives the driver that started it, even one killed with SIGKILL.
 *
 * Why not a process group: the pulumi CLI starts each plugin (the dynamic-provider helper
 * included) in a process group of its own, and when the CLI dies the plugin is re-parented to
 * init, so neither a group kill nor a walk of the driver's process tree finds it. What every
 * engine process does keep is its environment: the CLI and its plugins inherit the driver's
 * engine environment, which carries a mark naming the driver (`SWITCHYARD_ENGINE_OWNER`). So:
 *  - a watchdog (a tiny shell, its own session) holds a pipe from the driver; the pipe closes when
 *    the driver ends in any way, SIGKILL included, and the watchdog then stops every engine
 *    process with the driver's mark (SIGTERM, so the CLI cancels cleanly; SIGKILL after 5 s);
 *  - a driver starting up also stops engine processes whose marked driver no longer runs (their
 *    watchdog was killed too, e.g. with the whole session).
 * The processes the engine starts on purpose (HAProxy, workloads) inherit the mark as well; they
 * are kept because only engine commands (`pulumi`, `pulumi-*`, the dynamic-provider host) are
 * stopped.
 */
import { pidRunning } from "./pid";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const OWNER_VAR = "SWITCHYARD_ENGINE_OWNER";

/** True for the argv of an engine process: the CLI, a plugin, or the Node dynamic-provider host. */
export function isEngineCommand(argv: readonly string[]): boolean {
  // The first two: a plugin may be a script run by an interpreter (`sh pulumi-resource-…`).
  const named = argv.slice(0, 2).some((arg) => {
    const base = path.basename(arg);
    return base === "pulumi" || base.startsWith("pulumi-");
  });
  return named || argv.some((arg) => /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider([\\/]|$)/.test(arg));
}

/** The owner mark's driver pid ("<pid>-<nonce>"), or undefined when it is not one. */
export function ownerPidOf(mark: string): number | undefined {
  const match = /^(\d+)-[0-9a-f]+$/.exec(mark);
  return match ? Number(match[1]) : undefined;
}

export interface EngineProcess {
  readonly pid: number;
  readonly owner: string;
  readonly argv: readonly string[];
}

/** Engine processes of this user carrying an owner mark, read from /proc (empty where there is none). */
export function markedEngineProcesses(): EngineProcess[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const found: EngineProcess[] = [];
  const prefix = `${OWNER_VAR}=`;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const owner = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").find((v) => v.startsWith(prefix));
      if (!owner) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (isEngineCommand(argv)) found.push({ pid: Number(entry), owner: owner.slice(prefix.length), argv });
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return found;
}

const alive = pidRunning;

/** Stops engine processes whose driver no longer runs; returns their pids. */
export function reapOrphans(): number[] {
  const reaped: number[] = [];
  for (const proc of markedEngineProcesses()) {
    const owner = ownerPidOf(proc.owner);
    if (owner === undefined || owner === process.pid || alive(owner)) continue;
    try {
      process.kill(proc.pid, "SIGKILL");
      reaped.push(proc.pid);
    } catch {
      // already gone
    }
  }
  return reaped;
}

// Waits for the driver's end (EOF on stdin), then stops its engine processes. Kept in sh: it lives
// as long as the driver does, and a shell costs a megabyte where a Node process costs forty.
const WATCHDOG = `
cat >/dev/null 2>&1
list() {
  for f in $(grep -lzxF "${OWNER_VAR}=$1" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; p=\${p%/environ}
    c=$(tr '\\0' '\\n' < /proc/$p/cmdline 2>/dev/null)
    for w in $(printf '%s\\n' "$c" | head -2); do
      case "\${w##*/}" in pulumi|pulumi-*) echo "$p"; continue 2 ;; esac
    done
    case "$c" in *"/@pulumi/pulumi/cmd/dynamic-provider"*) echo "$p" ;; esac
  done
}
p=$(list "$1"); [ -z "$p" ] && exit 0
kill -TERM $p 2>/dev/null
i=0
while [ $i -lt 50 ]; do
  sleep 0.1; p=$(list "$1"); [ -z "$p" ] && exit 0; i=$((i+1))
done
kill -KILL $p 2>/dev/null
`;

let mark: string | undefined;

/**
 * This driver's owner mark, for the engine's environment. The first call reaps orphans of dead
 * drivers and starts the watchdog; on a system without /proc neither can work, and the mark is
 * harmless.
 */
export function engineOwnerMark(): string {
  if (mark) return mark;
  mark = `${process.pid}-${randomBytes(4).toString("hex")}`;
  reapOrphans();
  try {
    const watchdog = spawn("sh", ["-c", WATCHDOG, "switchyard-watchdog", mark], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    watchdog.on("error", () => undefined); // no sh: nothing to watch with; orphans are reaped at the next start
    watchdog.stdin?.on("error", () => undefined);
    // Neither the watchdog nor its pipe keeps the driver alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    // as above
  }
  return mark;
}

/**
 * Waits until the engine processes of a driver that died have stopped (its watchdog is stopping
 * them), then kills any still there: a command taking over must not race the dead driver's engine
 * for the stack's lock. Returns how many there were.
 */
export async function settleEnginesOf(ownerPid: number, timeoutMs = 10_000): Promise<number> {
  const of = () => markedEngineProcesses().filter((p) => ownerPidOf(p.owner) === ownerPid);
  const first = of().length;
  const deadline = Date.now() + timeoutMs;
  for (let left = of(); left.length > 0; left = of()) {
    if (Date.now() > deadline) {
      for (const p of left) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return first;
}
