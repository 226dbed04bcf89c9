/**
 * Whether a process id still stands for a running process. A zombie is not: a driver or engine
 * killed with -9 whose parent died too is re-parented to init, and where init does not reap
 * (containers, CI sandboxes) it stays a zombie that `kill(pid, 0)` still finds. Taking it for a
 * live holder would keep a dead engine's lock forever.
 */
import { readFileSync } from "node:fs";

function isZombie(pid: number): boolean {
  try {
    // The state follows the command name in parentheses, which may itself contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false; // no /proc here: trust kill(pid, 0)
  }
}

export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !isZombie(pid);
}
