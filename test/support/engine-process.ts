import { readdirSync, readFileSync } from "node:fs";

/** Pids of Pulumi CLI processes running `up` on this stack (optionally only targeted ones). */
export function engineUpdates(stackName: string, options: { targeted?: boolean } = {}): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (!args[0]?.endsWith("/pulumi") || !args.includes("up") || !args.includes(stackName)) continue;
    if (options.targeted && !args.some((a) => a.startsWith("--target"))) continue;
    pids.push(Number(entry));
  }
  return pids;
}

export async function waitForEngineUpdate(stackName: string, options: { targeted?: boolean; timeoutMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const [pid] = engineUpdates(stackName, options);
    if (pid) return pid;
    if (Date.now() > deadline) throw new Error(`no engine update of ${stackName} started`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the engine holds a lock on the stack in a file:// backend (the update really began). */
export async function waitForLockFile(backendUrl: string, project: string, stackName: string, timeoutMs = 60_000): Promise<void> {
  const dir = `${backendUrl.replace(/^file:\/\//, "")}/.pulumi/locks/organization/${project}/${stackName}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (readdirSync(dir).some((name) => name.endsWith(".json"))) return;
    } catch {
      // not created yet
    }
    if (Date.now() > deadline) throw new Error(`the engine never locked ${stackName}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
