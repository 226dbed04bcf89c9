import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run-command.mjs";
import { step } from "./log.mjs";

const STAMP = join("node_modules", ".switchyard-lock-sha256");

function lockHash(root) {
  return createHash("sha256").update(readFileSync(join(root, "package-lock.json"))).digest("hex");
}

/** Installs the npm dependencies (Node.js 22 among them) when package-lock.json changed since the last install. */
export async function ensureNpmDependencies(root) {
  const stampPath = join(root, STAMP);
  const wanted = lockHash(root);
  const nodeBinary = join(root, "node_modules", "node", "bin", "node");
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === wanted && existsSync(nodeBinary)) return;
  step("installing npm dependencies (npm ci)");
  // Output to stderr: stdout may be carrying a --json document.
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdout: process.stderr });
  writeFileSync(stampPath, wanted);
}
