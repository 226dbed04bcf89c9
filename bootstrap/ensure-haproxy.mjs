import { existsSync } from "node:fs";
import { capture, run } from "./run-command.mjs";
import { mayInstallSystemPackages, SetupError, step } from "./log.mjs";

const CANDIDATES = ["haproxy", "/usr/sbin/haproxy", "/usr/local/sbin/haproxy"];
const MIN_MAJOR_MINOR = [2, 4]; // runtime API `set weight` and `show servers state` as used here

function findHaproxy() {
  for (const candidate of CANDIDATES) {
    const resolved = candidate.startsWith("/") ? (existsSync(candidate) ? candidate : undefined) : capture("sh", ["-c", `command -v ${candidate}`]);
    if (!resolved) continue;
    const out = capture(resolved, ["-v"]);
    const match = out?.match(/version (\d+)\.(\d+)/);
    if (!match) continue;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    if (major > MIN_MAJOR_MINOR[0] || (major === MIN_MAJOR_MINOR[0] && minor >= MIN_MAJOR_MINOR[1])) {
      return { path: resolved, version: `${major}.${minor}` };
    }
  }
  return undefined;
}

/** Returns the path of a usable HAProxy, installing Debian's package where allowed. */
export async function ensureHaproxy() {
  const found = findHaproxy();
  if (found) return found.path;
  const command = "apt-get install -y --no-install-recommends haproxy";
  if (!mayInstallSystemPackages()) {
    throw new SetupError("HAProxy >= 2.4 is needed for the local target and was not found.", `sudo ${command}`);
  }
  step("installing HAProxy (apt-get)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", command.split(" ").slice(1), { env, stdout: process.stderr });
  } catch {
    await run("apt-get", ["update"], { env, stdout: process.stderr });
    await run("apt-get", command.split(" ").slice(1), { env, stdout: process.stderr });
  }
  const installed = findHaproxy();
  if (!installed) throw new SetupError("HAProxy was installed but cannot be run.", "check `haproxy -v`");
  return installed.path;
}
