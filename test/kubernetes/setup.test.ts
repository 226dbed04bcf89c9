/**
 * The Kubernetes suite's set-up (bootstrap/ensure-kubernetes.mjs) as a second run sees it: the
 * wrappers' replace block is the one k8s.io/kubernetes's go.mod gives, everything built is found in
 * well under a second without a build, and a binary changed behind the stamp's back is rebuilt.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(__dirname, "..", "..");

interface Status {
  readonly name: string;
  readonly version: string;
  readonly upToDate: boolean;
}

interface EnsureKubernetes {
  kubernetesStatus(root?: string): Status[];
  kubernetesBinDir(root?: string): string;
  readonly PROVIDER_VERSION: string;
  readonly KUBERNETES_VERSION: string;
}

async function bootstrap(): Promise<EnsureKubernetes> {
  return (await import(pathToFileURL(path.join(ROOT, "bootstrap", "ensure-kubernetes.mjs")).href)) as EnsureKubernetes;
}

describe("Kubernetes suite set-up (bootstrap/ensure-kubernetes.mjs)", function () {
  it("keeps the control plane's replace block as k8s.io/kubernetes v1.37.2's go.mod gives it (gen-replaces.mjs --check)", function () {
    this.timeout(120_000);
    const result = spawnSync(process.execPath, [path.join(ROOT, "bootstrap", "kubernetes", "gen-replaces.mjs"), "--check"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /31 staging replaces up to date/);
  });

  it("finds every tool in place on a second run, in well under a second, without building", function () {
    this.timeout(30_000);
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.join(ROOT, "bootstrap", "ensure-kubernetes.mjs")], { encoding: "utf8", cwd: ROOT });
    const elapsed = Date.now() - started;
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /building/);
    assert.match(result.stderr, /Kubernetes tools in place: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, pulumi-resource-kubernetes/);
    // Node's own start is most of it.
    assert.ok(elapsed < 1000, `the second run took ${elapsed} ms`);
  });

  it("takes a copied binary with its stamp as in place, and one whose bytes changed as out of date", async function () {
    this.timeout(30_000);
    const ensure = await bootstrap();
    const fakeRoot = mkdtempSync(path.join(tmpdir(), "sy-kube-stamp-"));
    try {
      const from = ensure.kubernetesBinDir(ROOT);
      const to = ensure.kubernetesBinDir(fakeRoot);
      mkdirSync(to, { recursive: true });
      // etcd is the smallest; the copy has another inode and mtime, so its content hash decides.
      copyFileSync(path.join(from, "etcd"), path.join(to, "etcd"));
      copyFileSync(path.join(from, ".etcd.stamp"), path.join(to, ".etcd.stamp"));
      const etcd = () => ensure.kubernetesStatus(fakeRoot).find((entry) => entry.name === "etcd")!;
      assert.equal(etcd().upToDate, true);
      assert.equal(ensure.kubernetesStatus(fakeRoot).find((entry) => entry.name === "kube-apiserver")!.upToDate, false);

      const binary = readFileSync(path.join(to, "etcd"));
      binary[binary.length - 1] ^= 0xff;
      writeFileSync(path.join(to, "etcd"), binary, { mode: 0o755 });
      assert.equal(etcd().upToDate, false, "a damaged binary must be rebuilt");
    } finally {
      rmSync(fakeRoot, { recursive: true, force: true });
    }
  });

  it("builds the provider as the release its code is (4.25.0): the version and the embedded schema say so", async function () {
    this.timeout(30_000);
    const ensure = await bootstrap();
    assert.equal(ensure.PROVIDER_VERSION, "4.25.0");
    const binDir = ensure.kubernetesBinDir(ROOT);
    assert.equal(JSON.parse(readFileSync(path.join(binDir, ".pulumi-resource-kubernetes.stamp"), "utf8")).version, "4.25.0");
    // The embedded schema (compact, written by the wrapper's embedgen) carries the version the
    // engine is told; the npm @pulumi/kubernetes must be this release.
    const binary = readFileSync(path.join(binDir, "pulumi-resource-kubernetes"));
    assert.ok(binary.includes('"name":"kubernetes"'), "the schema is embedded");
    assert.ok(binary.includes('"version":"4.25.0"'), "the embedded schema has version 4.25.0");
  });
});
