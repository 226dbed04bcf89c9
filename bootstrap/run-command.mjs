import { spawn, spawnSync } from "node:child_process";

/** Runs a command, streaming its output to stderr; rejects with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", options.stdout ?? "inherit", "inherit"], ...options });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Runs a command and returns its trimmed stdout, or undefined when it cannot run or fails. */
export function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 20_000, ...options });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim();
}
