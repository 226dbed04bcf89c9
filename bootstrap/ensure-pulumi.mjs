import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { capture } from "./run-command.mjs";
import { SetupError, step } from "./log.mjs";

/** The release built from the Go module proxy; also the minimum accepted from PATH. */
export const PINNED_PULUMI_VERSION = "3.274.1";
const MODULE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const VERSION_FLAG = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

function parseVersion(text) {
  const match = text?.match(/v?(\d+)\.(\d+)\.(\d+)/);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function atLeast(version, minimum) {
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i] > minimum[i];
  return true;
}

// Helper plugins the engine looks for beside the CLI: the dynamic-provider host serves
// pulumi.dynamic.Resource. (Policy packs run through policy/analyzer, an executable pack:
// CLI 3.274 never falls back to a pulumi-analyzer-policy-nodejs plugin.)
const HELPERS = {
  "pulumi-resource-pulumi-nodejs": "@pulumi/pulumi/cmd/dynamic-provider",
};

function writeHelpers(binDir) {
  mkdirSync(binDir, { recursive: true });
  for (const [name, entry] of Object.entries(HELPERS)) {
    const script = `#!/bin/sh
# Written by switchyard's bootstrap: runs ${entry} with the node on PATH, resolved from the working directory.
script=$(node -e "process.stdout.write(require.resolve('${entry}'))") || exit 1
exec node "$script" "$@"
`;
    const target = join(binDir, name);
    writeFileSync(target, script);
    chmodSync(target, 0o755);
  }
}

function pulumiOnPath() {
  const resolved = capture("sh", ["-c", "command -v pulumi"]);
  if (!resolved) return undefined;
  const version = parseVersion(capture(resolved, ["version"]));
  if (!version || !atLeast(version, parseVersion(PINNED_PULUMI_VERSION))) return undefined;
  return { root: dirname(dirname(realpathSync(resolved))), version: version.join(".") };
}

async function buildPulumi(root, toolsRoot) {
  const goVersion = parseVersion(capture("go", ["version"]));
  if (!goVersion) {
    throw new SetupError(
      `The Pulumi CLI (>= ${PINNED_PULUMI_VERSION}) was not found and Go is needed to build it.`,
      "install Go >= 1.24 (https://go.dev/doc/install) or put a pulumi >= " + PINNED_PULUMI_VERSION + " on PATH",
    );
  }
  const moduleDir = join(root, "bootstrap", "pulumi-cli");
  const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto" };
  const total = Number(capture("sh", ["-c", `go list -deps ${MODULE} | wc -l`], { cwd: moduleDir, env, timeout: 600_000 })) || 0;
  step(`building the Pulumi CLI v${PINNED_PULUMI_VERSION} from the Go module proxy (${total || "many"} packages; minutes, once)`);
  const output = join(toolsRoot, "bin", "pulumi");
  const args = ["build", "-v", "-trimpath", "-ldflags", `-s -w -X ${VERSION_FLAG}=v${PINNED_PULUMI_VERSION}`, "-o", output, MODULE];
  await new Promise((resolve, reject) => {
    const child = spawn("go", args, { cwd: moduleDir, env, stdio: ["ignore", "inherit", "pipe"] });
    let built = 0;
    let lastReport = 0;
    let tail = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      tail = (tail + chunk).slice(-4000);
      built += chunk.split("\n").filter((line) => line && !line.startsWith("#")).length;
      const now = Date.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        step(`  pulumi build: ${built}${total ? `/${total}` : ""} packages`);
      }
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new SetupError(`go build of the Pulumi CLI failed (exit ${code}):\n${tail}`, "see the Go output above")),
    );
  });
  step(`  pulumi build: done`);
}

/**
 * Finds or builds the Pulumi CLI. Returns { root, pulumi, version, helpersDir }: `root/bin/pulumi`
 * is the CLI, `helpersDir` holds the helper plugins and goes first on PATH.
 */
export async function ensurePulumi(root) {
  const toolsRoot = join(root, ".switchyard", "tools", "pulumi");
  const helpersDir = join(toolsRoot, "bin");
  writeHelpers(helpersDir);
  const fromPath = pulumiOnPath();
  if (fromPath) return { root: fromPath.root, pulumi: join(fromPath.root, "bin", "pulumi"), version: fromPath.version, helpersDir };

  const local = join(toolsRoot, "bin", "pulumi");
  const localVersion = existsSync(local) ? parseVersion(capture(local, ["version"])) : undefined;
  if (!localVersion || localVersion.join(".") !== PINNED_PULUMI_VERSION) await buildPulumi(root, toolsRoot);
  const built = parseVersion(capture(local, ["version"]));
  if (!built) throw new SetupError(`the built Pulumi CLI at ${local} does not report a version`, `delete ${toolsRoot} and run again`);
  return { root: toolsRoot, pulumi: local, version: built.join("."), helpersDir };
}
