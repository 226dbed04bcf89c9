// Prometheus for the tests of the prometheus metric provider: they start their own server on a
// loopback port with a temp TSDB, scraping HAProxy's exporter. Plain JavaScript without
// dependencies, like the rest of set-up. Installs only where set-up may install system packages
// (root or CI=true); otherwise stops with the command to run.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { capture, run } from "./run-command.mjs";
import { mayInstallSystemPackages, SetupError, step } from "./log.mjs";

const CANDIDATES = ["prometheus", "/usr/bin/prometheus"];
// The package's own service (prometheus.service on :9090) is never used: where an init system
// starts it, it keeps its port and data, and the tests' servers take free ports and temp dirs.
// A lock timeout, because another set-up (or unattended upgrades) may hold dpkg's lock for a while.
const APT_PROMETHEUS = "apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120 prometheus";

/** The first Prometheus that runs: on PATH, else Debian's; its path and version, or undefined. */
export function findPrometheus() {
  for (const candidate of CANDIDATES) {
    const resolved = candidate.startsWith("/") ? (existsSync(candidate) ? candidate : undefined) : capture("sh", ["-c", `command -v ${candidate}`]);
    if (!resolved) continue;
    // "prometheus, version 2.42.0+ds (branch: ...)"
    const version = capture(resolved, ["--version"])?.match(/version (\d+\.\d+\.\d+)/)?.[1];
    if (version) return { path: resolved, version };
  }
  return undefined;
}

/** Path and version of the Prometheus server binary, installing Debian's package where allowed. */
export async function ensurePrometheus() {
  const found = findPrometheus();
  if (found) return found;
  if (!mayInstallSystemPackages()) {
    throw new SetupError("Prometheus is needed by the prometheus metric provider's tests and was not found (PATH, /usr/bin/prometheus).", `sudo ${APT_PROMETHEUS}`);
  }
  step("installing Prometheus (apt-get)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = APT_PROMETHEUS.split(" ").slice(1);
  try {
    await run("apt-get", args, { env, stdout: process.stderr });
  } catch {
    await run("apt-get", ["update"], { env, stdout: process.stderr });
    await run("apt-get", args, { env, stdout: process.stderr });
  }
  const installed = findPrometheus();
  if (!installed) throw new SetupError("Prometheus was installed but `prometheus --version` does not run.", "check `/usr/bin/prometheus --version`");
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensurePrometheus()
    .then((prometheus) => step(`Prometheus ${prometheus.version} (${prometheus.path})`))
    .catch((error) => {
      process.stderr.write(`switchyard setup failed: ${error.message}\n`);
      process.exit(1);
    });
}
