#!/usr/bin/env node
// One set-up step for every npm script: npm dependencies (Node.js 22 among them), the Pulumi CLI and
// HAProxy (and, with --for-tests, what only the tests need). Plain JavaScript without dependencies, because it runs on whatever Node.js the machine has.
// A second run finds everything in place and returns in well under five seconds.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNpmDependencies } from "./ensure-npm.mjs";
import { ensurePulumi } from "./ensure-pulumi.mjs";
import { ensureHaproxy } from "./ensure-haproxy.mjs";
import { ensureLanguageHost } from "./ensure-language-host.mjs";
import { checkDirectEngine } from "./check-direct-engine.mjs";
import { ensureMoto, ensurePostgres } from "./ensure-postgres.mjs";
import { ensurePrometheus } from "./ensure-prometheus.mjs";
import { ensureChromium } from "./ensure-chromium.mjs";
import { ensureKubernetes, kubernetesStatus } from "./ensure-kubernetes.mjs";
import { step } from "./log.mjs";

export const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where set-up records the tools it found; automation/workspace.ts reads it. */
export const toolchainFile = join(projectRoot, ".switchyard", "toolchain.json");

/**
 * `forTests` adds what only the test suites need: PostgreSQL and moto's S3 server, which the
 * shared-backend tests start on loopback, and Prometheus, which the prometheus provider's tests
 * start there; Chromium, in which the browser tests load the dashboard and the reports; and the Kubernetes suite's tools (bootstrap/ensure-kubernetes.mjs), built from the
 * Go module proxy once (about 25 min cold on 2 cores, then cached) while the system packages are
 * looked for. `kubernetes: "later"` (--kubernetes=later, or SWITCHYARD_KUBERNETES=later) builds
 * nothing that is missing and records what is, for a test runner that starts
 * `node bootstrap/ensure-kubernetes.mjs` itself beside the other suites.
 */
export async function setup({ forTests = false, kubernetes = process.env.SWITCHYARD_KUBERNETES === "later" ? "later" : "build" } = {}) {
  const started = Date.now();
  await ensureNpmDependencies(projectRoot);
  const pulumi = await ensurePulumi(projectRoot);
  const languageHost = await ensureLanguageHost({ root: projectRoot, pulumiBinary: pulumi.pulumi, helpersDir: pulumi.helpersDir, version: projectVersion() });
  if (languageHost.kind === "none") step(`plain pulumi commands will not run: ${languageHost.reason}`);
  const directEngine = checkDirectEngine({ root: projectRoot, pulumiBinary: pulumi.pulumi, cliVersion: pulumi.version, previous: previousToolchain().directEngine });
  if (!directEngine.usable) step(`traffic steps will run through the Automation API (slower): ${directEngine.reasons.join("; ")} (@pulumi/pulumi ${directEngine.sdkVersion})`);
  // Started before the system packages are looked for, and awaited after them: the Go builds and
  // apt-get run at the same time. Only one Go build runs at a time (the Pulumi CLI's is done).
  const kubernetesTools = forTests ? kubernetesForTests(kubernetes) : undefined;
  // A failing build must not go unhandled while the steps below run; it is thrown when awaited.
  kubernetesTools?.catch(() => undefined);
  const haproxy = await ensureHaproxy();
  const testServers = forTests
    ? { postgres: await ensurePostgres(), moto: await ensureMoto(), prometheus: await ensurePrometheus(), chromium: await ensureChromium(), kubernetes: await kubernetesTools }
    : {};
  const toolchain = {
    pulumiRoot: pulumi.root,
    pulumiVersion: pulumi.version,
    helpersDir: pulumi.helpersDir,
    languageHost,
    directEngine,
    haproxy,
    node: join(projectRoot, "node_modules", "node", "bin", "node"),
    ...testServers,
  };
  mkdirSync(dirname(toolchainFile), { recursive: true });
  writeFileSync(toolchainFile, JSON.stringify(toolchain, null, 2) + "\n");
  if (Date.now() - started > 5000) step(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return toolchain;
}

/** The Kubernetes tools' record, built now, or (later) what is in place and how to build the rest. */
async function kubernetesForTests(mode) {
  if (mode !== "later") return ensureKubernetes(projectRoot);
  const status = kubernetesStatus(projectRoot);
  const missing = status.filter((entry) => !entry.upToDate).map((entry) => entry.name);
  if (missing.length === 0) return ensureKubernetes(projectRoot);
  return { ready: false, missing, build: "node bootstrap/ensure-kubernetes.mjs" };
}

function previousToolchain() {
  try {
    return JSON.parse(readFileSync(toolchainFile, "utf8"));
  } catch {
    return {};
  }
}

/** Switchyard's version, which its own language host reports. */
function projectVersion() {
  return JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const later = process.argv.includes("--kubernetes=later");
  setup({ forTests: process.argv.includes("--for-tests"), ...(later ? { kubernetes: "later" } : {}) }).catch((error) => {
    process.stderr.write(`switchyard setup failed: ${error.message}\n`);
    process.exit(1);
  });
}
