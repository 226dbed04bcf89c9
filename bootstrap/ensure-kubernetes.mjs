// The Kubernetes test suite's tools, built once from the Go module proxy into
// .switchyard/tools/kubernetes/bin/ and cached: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler (a control plane on loopback), kwok (simulated nodes and pods: there is no
// kubelet) and pulumi-resource-kubernetes (the Pulumi Kubernetes provider). Each is built from a
// wrapper module of this project under bootstrap/kubernetes/<wrapper>/ (go.mod + go.sum + a tools
// file or main), so the versions are pinned there and nothing but Go modules is fetched. It also
// downloads the Go modules whose files the suite reads: sigs.k8s.io/gateway-api (the Gateway API
// CRDs) and kwok's stages (from the kwok module the build already fetched).
//
// A binary is up to date when its stamp (beside it) holds the hash of its wrapper's go.mod, go.sum
// and Go files plus the build recipe, and the binary's own hash. A second run compares the
// binary's size, mtime and inode with the stamp and hashes it only when they differ, so it takes
// milliseconds; a changed go.mod or a damaged binary rebuilds.
//
// Builds run one at a time (they take up to 4.3 GB of memory and both cores), at lowered priority,
// under a lock file, so that set-up and a test runner that both ask wait for each other instead of
// building the same binary twice.
//
//   node bootstrap/ensure-kubernetes.mjs           # build what is missing, record it in toolchain.json
//   node bootstrap/ensure-kubernetes.mjs --status  # say what is in place; exit 1 when something is missing
//
// Plain JavaScript without dependencies, like the rest of set-up.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SetupError, step } from "./log.mjs";

export const KUBERNETES_VERSION = "v1.37.2";
export const ETCD_VERSION = "v3.6.16";
export const KWOK_VERSION = "v0.8.0";
export const GATEWAY_API_VERSION = "v1.3.0";
/**
 * The Pulumi Kubernetes provider: the Go module proxy serves github.com/pulumi/pulumi-kubernetes/provider/v4
 * only as this pseudo-version (a commit of 2026-01-15). Its code is release 4.25.0: its schema has
 * the Kubernetes 1.33 APIs of the npm SDK 4.24.1/4.25.0 (4.26.0 adds 1.34's), it builds on
 * pulumi v3.215.0 (2026-01-07), and crd2pulumi's "update to pulumi-kubernetes v4.25.0" requires
 * this very pseudo-version. So the binary reports 4.25.0, the version the npm @pulumi/kubernetes
 * 4.25.0 asks the engine for.
 */
export const PROVIDER_MODULE_VERSION = "v4.0.0-20260115033456-f47bc2d6f199";
export const PROVIDER_VERSION = "4.25.0";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WRAPPERS = join(ROOT, "bootstrap", "kubernetes");
const KUBE_LDFLAGS = [
  `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=${KUBERNETES_VERSION.split(".")[0].slice(1)}`,
  `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split(".")[1]}`,
  "-X k8s.io/component-base/version.gitTreeState=clean",
].join(" ");

/**
 * What is built, in build order (cheapest first, so that a failure of a long build comes after the
 * quick ones are in place). `cost` is what this machine's kind (2 cores, shared) took cold, in this
 * order (later ones share compiled packages with earlier ones); with Go's build cache warm (a fresh
 * clone on a machine that built them before) all six take about a minute. `check` runs the binary
 * once after its build and expects the text in its output.
 */
export const BINARIES = [
  {
    name: "etcd",
    version: ETCD_VERSION,
    wrapper: "etcd",
    module: "go.etcd.io/etcd/server/v3",
    pkg: "go.etcd.io/etcd/server/v3",
    ldflags: "",
    cost: "under a minute",
    check: { args: ["--version"], expect: `etcd Version: ${ETCD_VERSION.slice(1)}` },
  },
  {
    name: "kube-apiserver",
    version: KUBERNETES_VERSION,
    wrapper: "control-plane",
    module: "k8s.io/kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
    ldflags: KUBE_LDFLAGS,
    cost: "about 8 min on 2 cores",
    check: { args: ["--version"], expect: `Kubernetes ${KUBERNETES_VERSION}` },
  },
  {
    name: "kube-controller-manager",
    version: KUBERNETES_VERSION,
    wrapper: "control-plane",
    module: "k8s.io/kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kube-controller-manager",
    ldflags: KUBE_LDFLAGS,
    cost: "about 2-3 min on 2 cores after kube-apiserver",
    check: { args: ["--version"], expect: `Kubernetes ${KUBERNETES_VERSION}` },
  },
  {
    name: "kube-scheduler",
    version: KUBERNETES_VERSION,
    wrapper: "control-plane",
    module: "k8s.io/kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kube-scheduler",
    ldflags: KUBE_LDFLAGS,
    cost: "under a minute after kube-controller-manager",
    check: { args: ["--version"], expect: `Kubernetes ${KUBERNETES_VERSION}` },
  },
  {
    name: "kwok",
    version: KWOK_VERSION,
    wrapper: "kwok",
    module: "sigs.k8s.io/kwok",
    pkg: "sigs.k8s.io/kwok/cmd/kwok",
    ldflags: "",
    cost: "about 2 min on 2 cores",
    check: { args: ["--version"], expect: KWOK_VERSION.slice(1) },
  },
  {
    name: "pulumi-resource-kubernetes",
    version: PROVIDER_VERSION,
    wrapper: "provider",
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    moduleVersion: PROVIDER_MODULE_VERSION,
    pkg: ".",
    // The module's own main embeds files that `go generate` makes and its zip lacks: the wrapper's
    // embedgen makes them from the module's schema.json and terraform-mapping.json.
    prepare: ["run", "./embedgen", "-version", PROVIDER_VERSION],
    ldflags: `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PROVIDER_VERSION}`,
    cost: "10-15 min and 4.3 GB of memory on 2 cores",
  },
];

/** Go modules whose files the suite reads (the CRDs, kwok's stages), downloaded into Go's module cache. */
export const MODULE_FILES = [
  { name: "gatewayApiCrds", module: "sigs.k8s.io/gateway-api", version: GATEWAY_API_VERSION, folder: "config/crd/standard" },
  { name: "kwokStages", module: "sigs.k8s.io/kwok", version: KWOK_VERSION, folder: "kustomize/stage" },
];

export function kubernetesBinDir(root = ROOT) {
  return join(root, ".switchyard", "tools", "kubernetes", "bin");
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** The wrapper's go.mod, go.sum and Go files (recursively, sorted) and the binary's recipe. */
function sourceHash(binary) {
  const hash = createHash("sha256");
  const wrapperDir = join(WRAPPERS, binary.wrapper);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name === "go.mod" || entry.name === "go.sum" || entry.name.endsWith(".go")) files.push(file);
    }
  };
  walk(wrapperDir);
  for (const file of files.sort()) hash.update(file.slice(wrapperDir.length)).update("\0").update(readFileSync(file));
  const { name, version, pkg, ldflags, prepare } = binary;
  hash.update(JSON.stringify({ name, version, pkg, ldflags, prepare }));
  return hash.digest("hex");
}

function stampFile(binDir, name) {
  return join(binDir, `.${name}.stamp`);
}

function readStamp(binDir, name) {
  try {
    return JSON.parse(readFileSync(stampFile(binDir, name), "utf8"));
  } catch {
    return undefined;
  }
}

function fileSignature(file) {
  const st = statSync(file);
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, executable: (st.mode & 0o111) !== 0 };
}

/**
 * Whether the binary is in place as its stamp says: same sources, and the file unchanged (same
 * size, mtime and inode, else the same content hash; the stamp then takes the new metadata).
 */
function isUpToDate(binDir, binary) {
  const stamp = readStamp(binDir, binary.name);
  const file = join(binDir, binary.name);
  if (!stamp || !existsSync(file) || stamp.source !== sourceHash(binary)) return false;
  const signature = fileSignature(file);
  if (!signature.executable) return false;
  if (signature.size === stamp.size && signature.mtimeMs === stamp.mtimeMs && signature.ino === stamp.ino) return true;
  if (sha256(readFileSync(file)) !== stamp.sha256) return false;
  writeStamp(binDir, binary, stamp.source, stamp.sha256);
  return true;
}

function writeStamp(binDir, binary, source, binaryHash) {
  const file = join(binDir, binary.name);
  const { size, mtimeMs, ino } = fileSignature(file);
  const stamp = { source, sha256: binaryHash ?? sha256(readFileSync(file)), size, mtimeMs, ino, version: binary.version };
  writeFileSync(stampFile(binDir, binary.name), JSON.stringify(stamp) + "\n");
}

/** For each binary: its path, version and whether it is in place. Fast: no process is started. */
export function kubernetesStatus(root = ROOT) {
  const binDir = kubernetesBinDir(root);
  return BINARIES.map((binary) => ({ name: binary.name, version: binary.version, path: join(binDir, binary.name), upToDate: isUpToDate(binDir, binary) }));
}

function goEnv(extra = {}) {
  const goflags = [process.env.GOFLAGS, "-mod=readonly"].filter(Boolean).join(" ");
  return { ...process.env, CGO_ENABLED: "0", GOFLAGS: goflags, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto", ...extra };
}

/** `go mod download -json` of one module (in the wrapper, at the version its go.mod requires, or module@version). */
function downloadModule(target, cwd) {
  const result = spawnSync("go", ["mod", "download", "-json", target], { cwd, env: goEnv(), encoding: "utf8", timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw new SetupError(`go mod download ${target} could not run: ${result.error.message}`, "install Go >= 1.26 (https://go.dev/doc/install)");
  let info;
  try {
    info = JSON.parse(result.stdout);
  } catch {
    throw new SetupError(`go mod download ${target} failed:\n${result.stderr.trim()}`, "see Go's message above");
  }
  if (info.Error || !info.Dir) throw refusedModule(`${info.Path}@${info.Version}`, info.Error ?? result.stderr);
  return info;
}

/** The Go module proxy refused a module version (or it could not be reached). */
function refusedModule(moduleAtVersion, detail) {
  const unreachable = /dial tcp|no such host|i\/o timeout|connection refused|TLS handshake/.test(detail);
  return new SetupError(
    `the Go module proxy ${unreachable ? "could not be reached for" : "refused"} ${moduleAtVersion}:\n  ${String(detail).trim().split("\n").join("\n  ")}`,
    unreachable
      ? `check the network and GOPROXY (${capture("go", ["env", "GOPROXY"]) ?? "go env GOPROXY"}), then run set-up again`
      : `the version is not served (any more): pin one that is (\`go list -m -versions ${moduleAtVersion.split("@")[0]}\`) in the wrapper under bootstrap/kubernetes/, run \`go mod tidy\` there, and run set-up again`,
  );
}

function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000, ...options });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function checkGo() {
  const version = capture("go", ["version"])?.match(/go(\d+)\.(\d+)/);
  if (!version) {
    throw new SetupError(
      "Go is needed to build the Kubernetes test suite's tools (kube-apiserver, etcd, kwok, the Pulumi Kubernetes provider) and was not found.",
      "install Go >= 1.26 (https://go.dev/doc/install); with GOTOOLCHAIN=auto an older go fetches 1.26 from the Go module proxy",
    );
  }
}

/** Runs a go command in the wrapper; progress lines every 30 s; rejects with the tail of its output. */
function runGo(binary, args, { total, label }) {
  const cwd = join(WRAPPERS, binary.wrapper);
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, { cwd, env: goEnv(), stdio: ["ignore", "pipe", "pipe"] });
    try {
      // Children (compile, link) inherit it: the other work on the machine keeps its share.
      setPriority(child.pid, 10);
    } catch {
      // Not permitted: build at normal priority.
    }
    const started = Date.now();
    let built = 0;
    let lastReport = started;
    let tail = "";
    const onData = (chunk) => {
      tail = (tail + chunk).slice(-6000);
      built += chunk.split("\n").filter((line) => line && !line.startsWith("#") && !line.startsWith("go: ")).length;
      const now = Date.now();
      if (now - lastReport >= 30_000) {
        lastReport = now;
        // go build -v names the packages it compiles; those in Go's build cache are not named.
        step(`  ${label}: ${built} packages compiled${total ? ` of ${total} (the others come from Go's build cache)` : ""}, ${Math.round((now - started) / 1000)} s`);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.on("error", (error) => reject(new SetupError(`go could not run: ${error.message}`, "install Go >= 1.26")));
    child.on("exit", (code, signal) => {
      if (code === 0) return resolve();
      // "k8s.io/api@v0.37.2: reading https://proxy.golang.org/...: 404 Not Found" and the like.
      const refused = tail.match(/([\w.\-/]+@v[\w.\-+]+): (?:invalid version: )?(?:reading|verifying|unrecognized import path)[^\n]*(?:40[34]|410|not found|not available|Forbidden|Gone)[^\n]*/i);
      if (refused) return reject(refusedModule(refused[1], refused[0]));
      if (/missing go\.sum entry|updates to go\.mod needed|no required module provides/.test(tail)) {
        return reject(
          new SetupError(
            `go ${args[0]} for ${binary.name} failed: bootstrap/kubernetes/${binary.wrapper}/go.mod or go.sum is not complete:\n${tail.trim()}`,
            `run \`go mod tidy\` in bootstrap/kubernetes/${binary.wrapper}${binary.wrapper === "control-plane" ? " (or node bootstrap/kubernetes/gen-replaces.mjs --tidy)" : ""} and commit go.mod and go.sum`,
          ),
        );
      }
      const killed = signal === "SIGKILL" || /signal: killed|cannot allocate memory|out of memory/i.test(tail);
      reject(
        new SetupError(
          `go ${args[0]} of ${binary.name} ${binary.version} failed (${signal ?? `exit ${code}`}):\n${tail.trim()}`,
          killed ? `the build ran out of memory (${binary.name} needs up to 4.3 GB): stop other builds and run set-up again` : "see Go's output above",
        ),
      );
    });
  });
}

async function build(binDir, binary) {
  const started = Date.now();
  step(`building ${binary.name} ${binary.version} from the Go module proxy (${binary.cost}, once)...`);
  const cwd = join(WRAPPERS, binary.wrapper);
  // Fetch the module first, so that a refused version is named before anything else happens.
  const fetched = downloadModule(binary.module, cwd);
  const pinned = binary.moduleVersion ?? binary.version;
  if (fetched.Version !== pinned) {
    throw new SetupError(
      `bootstrap/kubernetes/${binary.wrapper}/go.mod requires ${binary.module} ${fetched.Version}, but bootstrap/ensure-kubernetes.mjs builds ${binary.name} as ${pinned}`,
      "change both together (and run `go mod tidy` in the wrapper)",
    );
  }
  if (binary.prepare) await runGo(binary, binary.prepare, { label: `${binary.name} (prepare)` });
  const total = Number(capture("go", ["list", "-deps", binary.pkg], { cwd, env: goEnv(), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 })?.split("\n").length) || 0;
  const output = join(binDir, binary.name);
  // Built beside the old binary and renamed over it: a run that is stopped leaves no half binary.
  const partial = `${output}.partial`;
  rmSync(partial, { force: true });
  const ldflags = ["-s -w", binary.ldflags].filter(Boolean).join(" ");
  await runGo(binary, ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", partial, binary.pkg], { total, label: binary.name });
  if (binary.check) {
    const result = spawnSync(partial, binary.check.args, { encoding: "utf8", timeout: 30_000 });
    const text = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (!text.includes(binary.check.expect)) {
      rmSync(partial, { force: true });
      throw new SetupError(`the built ${binary.name} does not say "${binary.check.expect}" for ${binary.check.args.join(" ")}:\n${text.trim()}`, `check the ldflags of ${binary.name} in bootstrap/ensure-kubernetes.mjs`);
    }
  }
  renameSync(partial, output);
  writeStamp(binDir, binary, sourceHash(binary));
  step(`  ${binary.name}: built in ${formatDuration(Date.now() - started)}`);
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 90 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The module files' folders, from a cached record when it still holds, else `go mod download`. */
export function ensureModuleFiles(binDir = kubernetesBinDir()) {
  const cacheFile = join(binDir, ".module-files.json");
  let cached = {};
  try {
    cached = JSON.parse(readFileSync(cacheFile, "utf8"));
  } catch {
    // First run.
  }
  const found = {};
  let changed = false;
  for (const entry of MODULE_FILES) {
    const known = cached[entry.name];
    if (known?.version === entry.version && existsSync(known.dir)) {
      found[entry.name] = known;
      continue;
    }
    const info = downloadModule(`${entry.module}@${entry.version}`, tmpdir());
    const dir = join(info.Dir, entry.folder);
    if (!existsSync(dir)) throw new SetupError(`${entry.module}@${entry.version} has no ${entry.folder}`, `check the version pinned in bootstrap/ensure-kubernetes.mjs`);
    found[entry.name] = { module: entry.module, version: entry.version, dir };
    changed = true;
  }
  if (changed) writeFileSync(cacheFile, JSON.stringify(found, null, 2) + "\n");
  return found;
}

const LOCK_STALE_MS = 6 * 60 * 60 * 1000;

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Holds the build lock while `work` runs; waits while another live process holds it. */
async function withBuildLock(binDir, work) {
  const lockFile = join(dirname(binDir), ".build.lock");
  let said = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, "wx");
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      let holder = 0;
      let age = 0;
      try {
        holder = Number(readFileSync(lockFile, "utf8").trim());
        age = Date.now() - statSync(lockFile).mtimeMs;
      } catch {
        continue; // Released meanwhile.
      }
      if (!holder || !processAlive(holder) || age > LOCK_STALE_MS) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!said) step(`waiting for the Kubernetes tools build of process ${holder} (${lockFile})`);
      said = true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function record(root, binDir, moduleFiles) {
  const binaries = Object.fromEntries(BINARIES.map((b) => [b.name, { path: join(binDir, b.name), version: b.version }]));
  return {
    binDir,
    kubernetesVersion: KUBERNETES_VERSION,
    providerVersion: PROVIDER_VERSION,
    providerModuleVersion: PROVIDER_MODULE_VERSION,
    binaries,
    gatewayApiCrds: moduleFiles.gatewayApiCrds,
    kwokStages: moduleFiles.kwokStages,
  };
}

/**
 * The tools, sync and without building: their record when those named (all by default) are in
 * place, else undefined. For the test support, which must not build (set-up does).
 */
export function findKubernetesTools(root = ROOT, names = BINARIES.map((binary) => binary.name)) {
  const binDir = kubernetesBinDir(root);
  if (!BINARIES.filter((binary) => names.includes(binary.name)).every((binary) => isUpToDate(binDir, binary))) return undefined;
  let moduleFiles;
  try {
    moduleFiles = JSON.parse(readFileSync(join(binDir, ".module-files.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (!MODULE_FILES.every((entry) => moduleFiles[entry.name]?.version === entry.version && existsSync(moduleFiles[entry.name].dir))) return undefined;
  return record(root, binDir, moduleFiles);
}

/**
 * Builds what is missing (one at a time) and returns the record set-up keeps in toolchain.json:
 * { binDir, kubernetesVersion, providerVersion, binaries: { name: { path, version } }, gatewayApiCrds, kwokStages }.
 */
export async function ensureKubernetes(root = ROOT) {
  const binDir = kubernetesBinDir(root);
  mkdirSync(binDir, { recursive: true });
  const quick = findKubernetesTools(root);
  if (quick) return quick;
  checkGo();
  // Before the builds, which take long: what the cluster reads is there even while they run.
  const moduleFiles = ensureModuleFiles(binDir);
  return withBuildLock(binDir, async () => {
    const started = Date.now();
    let builtAny = false;
    for (const binary of BINARIES) {
      // Checked again under the lock: another process may have built it while this one waited.
      if (isUpToDate(binDir, binary)) continue;
      await build(binDir, binary);
      builtAny = true;
    }
    if (builtAny) step(`Kubernetes tools ready in ${formatDuration(Date.now() - started)} (${binDir})`);
    return record(root, binDir, moduleFiles);
  });
}

/** Puts the record into .switchyard/toolchain.json beside what set-up wrote there. */
export function recordInToolchain(root, kubernetes) {
  const file = join(root, ".switchyard", "toolchain.json");
  let toolchain = {};
  try {
    toolchain = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // Set-up has not run yet: the record stands alone until it does.
  }
  toolchain.kubernetes = kubernetes;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(toolchain, null, 2) + "\n");
  renameSync(partial, file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--status")) {
    const status = kubernetesStatus(ROOT);
    for (const entry of status) process.stderr.write(`${entry.upToDate ? "in place" : "missing "}  ${entry.name} ${entry.version}  ${entry.path}\n`);
    process.exit(status.every((entry) => entry.upToDate) ? 0 : 1);
  }
  ensureKubernetes(ROOT)
    .then((kubernetes) => {
      recordInToolchain(ROOT, kubernetes);
      step(`Kubernetes tools in place: ${Object.keys(kubernetes.binaries).join(", ")} (${kubernetes.binDir})`);
    })
    .catch((error) => {
      process.stderr.write(`switchyard setup failed: ${error.message}\n`);
      process.exit(1);
    });
}
