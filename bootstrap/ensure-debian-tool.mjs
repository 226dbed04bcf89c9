// A program the tests need from Debian's packages (Prometheus, Chromium...): found on PATH or at
// its Debian path, else installed with apt-get where set-up may install system packages (root or
// CI=true); otherwise set-up stops with the command to run. Plain JavaScript without dependencies.
import { existsSync } from "node:fs";
import { capture, run } from "./run-command.mjs";
import { mayInstallSystemPackages, SetupError, step } from "./log.mjs";

/**
 * @typedef {object} DebianTool
 * @property {string} name           what set-up calls it in its lines
 * @property {string[]} candidates   command names (looked up on PATH) or absolute paths, first wins
 * @property {RegExp} versionPattern its first group is the version in `<binary> --version`'s output
 * @property {string[]} packages     Debian packages that provide it
 * @property {string} neededFor      which tests need it, for the error when it cannot be installed
 */

/** The first candidate that runs: its path and version, or undefined. */
export function findTool(/** @type {DebianTool} */ tool) {
  for (const candidate of tool.candidates) {
    const resolved = candidate.startsWith("/") ? (existsSync(candidate) ? candidate : undefined) : capture("sh", ["-c", `command -v ${candidate}`]);
    if (!resolved) continue;
    const version = capture(resolved, ["--version"])?.match(tool.versionPattern)?.[1];
    if (version) return { path: resolved, version };
  }
  return undefined;
}

/** Path and version of the tool, installing its Debian packages where allowed. */
export async function ensureDebianTool(/** @type {DebianTool} */ tool) {
  const found = findTool(tool);
  if (found) return found;
  // A lock timeout, because another set-up (or unattended upgrades) may hold dpkg's lock for a while.
  const install = ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=120", ...tool.packages];
  if (!mayInstallSystemPackages()) {
    throw new SetupError(`${tool.name} is needed by ${tool.neededFor} and was not found (${tool.candidates.join(", ")}).`, `sudo apt-get ${install.join(" ")}`);
  }
  step(`installing ${tool.name} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", install, { env, stdout: process.stderr });
  } catch {
    await run("apt-get", ["update"], { env, stdout: process.stderr });
    await run("apt-get", install, { env, stdout: process.stderr });
  }
  const installed = findTool(tool);
  if (!installed) throw new SetupError(`${tool.name} was installed but \`${tool.candidates.at(-1)} --version\` does not run.`, `check \`${tool.candidates.at(-1)} --version\``);
  return installed;
}
