/**
 * Long-lived local processes (HAProxy, workloads) that outlive the engine run that started them.
 * A pid alone is not proof of identity: pids are reused, so each check also matches a marker
 * in the process's command line.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export interface DetachedProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Output of the process is appended here. */
  readonly logFile: string;
}

/** Starts a process in its own session so that it survives the engine and its provider host. */
export function startDetached(spec: DetachedProcess): number {
  const log = openSync(spec.logFile, "a");
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ["ignore", log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** True when `pid` runs and its command line contains `marker`. */
export function isRunning(pid: number | undefined, marker: string): boolean {
  if (!pid || pid <= 0) return false;
  const cmd = commandLine(pid);
  return cmd !== undefined && cmd.includes(marker) && !isZombie(pid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process: `gracefulSignal` first (HAProxy's SIGUSR1 finishes open connections), then
 * SIGKILL after `graceMs`. Resolves once it is gone.
 */
export async function stopProcess(pid: number, marker: string, gracefulSignal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
  if (!isRunning(pid, marker)) return;
  try {
    process.kill(pid, gracefulSignal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid, marker)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  while (isRunning(pid, marker)) await sleep(20);
}

/** Polls `probe` until it returns true or `timeoutMs` passes. */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
