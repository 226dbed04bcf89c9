// The Node.js language host the plain CLI needs (`pulumi preview`, `pulumi up`,
// `--policy-pack policy`). A real Pulumi install's `pulumi-language-nodejs` always wins; only when
// none is found does set-up build Switchyard's own (bootstrap/pulumi-cli/language-host, Go) and put
// it beside the CLI it uses. What is used is recorded in .switchyard/toolchain.json.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { capture, run } from "./run-command.mjs";
import { step } from "./log.mjs";

export const HOST_NAME = "pulumi-language-nodejs";

function isExecutable(file) {
  try {
    return statSync(file).isFile() && (statSync(file).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** A real host: beside the CLI in use (when that CLI is not ours) or on PATH, never in our helpers folder. */
export function findRealHost({ pulumiBinary, helpersDir, path = process.env.PATH ?? "" }) {
  const ours = realpathSync.native(helpersDir);
  const dirs = [dirname(realpathSync.native(pulumiBinary)), ...path.split(delimiter)].filter(Boolean);
  for (const dir of dirs) {
    if (!existsSync(dir) || realpathSync.native(dir) === ours) continue;
    const candidate = join(dir, HOST_NAME);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Changes to the host's source, or the modules it builds with, rebuild it. */
function sourceHash(moduleDir) {
  const hash = createHash("sha256");
  const hostDir = join(moduleDir, "language-host");
  for (const file of readdirSync(hostDir).filter((f) => f.endsWith(".go")).sort()) hash.update(file).update(readFileSync(join(hostDir, file)));
  for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(moduleDir, file)));
  return hash.digest("hex");
}

function fileHash(file) {
  return existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "";
}

/**
 * Returns { kind: "pulumi" | "switchyard" | "none", path?, version?, reason? }. Never fails set-up:
 * the driver itself does not need a host; `npm run pulumi` says what is missing.
 */
export async function ensureLanguageHost({ root, pulumiBinary, helpersDir, version }) {
  const ownHost = join(helpersDir, HOST_NAME);
  const stampFile = join(helpersDir, `.${HOST_NAME}.sha256`);
  const real = findRealHost({ pulumiBinary, helpersDir });
  if (real) {
    // Ours sits first on the engine's PATH: take it away so the real one is found.
    rmSync(ownHost, { force: true });
    rmSync(stampFile, { force: true });
    return { kind: "pulumi", path: real };
  }
  const moduleDir = join(root, "bootstrap", "pulumi-cli");
  const wanted = sourceHash(moduleDir);
  // The stamp holds the source's hash and the binary's: a changed source or a damaged binary rebuilds.
  const [builtFrom, builtBinary] = existsSync(stampFile) ? readFileSync(stampFile, "utf8").trim().split(" ") : [];
  if (!isExecutable(ownHost) || builtFrom !== wanted || builtBinary !== fileHash(ownHost)) {
    if (!capture("go", ["version"])) {
      return { kind: "none", reason: `no ${HOST_NAME} on PATH and no Go to build Switchyard's: install Pulumi (it ships the host) or Go >= 1.24` };
    }
    step(`building Switchyard's Node.js language host (${HOST_NAME})`);
    const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto" };
    // go build will not overwrite a file it did not write (a damaged binary, say).
    rmSync(ownHost, { force: true });
    try {
      await run("go", ["build", "-trimpath", "-ldflags", `-s -w -X main.version=${version}`, "-o", ownHost, "./language-host"], { cwd: moduleDir, env });
    } catch (error) {
      return { kind: "none", reason: `building ${HOST_NAME} failed: ${error.message}` };
    }
    writeFileSync(stampFile, `${wanted} ${fileHash(ownHost)}\n`);
  }
  return { kind: "switchyard", path: ownHost, version };
}
