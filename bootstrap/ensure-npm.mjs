import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run-command.mjs";
import { step } from "./log.mjs";

const STAMP = join("node_modules", ".switchyard-lock-sha256");

function lockHash(dir) {
  return createHash("sha256").update(readFileSync(join(dir, "package-lock.json"))).digest("hex");
}

/** `npm ci` in `dir` unless its lock file is unchanged since the last install there. */
async function installWhenChanged(dir, label, extraCheck = () => true) {
  const stampPath = join(dir, STAMP);
  const wanted = lockHash(dir);
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === wanted && extraCheck()) return;
  step(`installing npm dependencies${label} (npm ci)`);
  // Output to stderr: stdout may be carrying a --json document.
  // The project's .npmrc silences npm for `npm run` (a clean stdout); an install should still warn.
  const env = { ...process.env, npm_config_loglevel: "warn" };
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, env, stdio: ["ignore", process.stderr, "inherit"] });
  writeFileSync(stampPath, wanted);
}

/**
 * Installs the npm dependencies (Node.js 22 among them) when package-lock.json changed since the
 * last install, and those of the policy pack, which the engine runs from its own folder.
 */
export async function ensureNpmDependencies(root) {
  const nodeBinary = join(root, "node_modules", "node", "bin", "node");
  await installWhenChanged(root, "", () => existsSync(nodeBinary));
  await installWhenChanged(join(root, "policy"), " of the policy pack");
}
