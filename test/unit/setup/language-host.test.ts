/**
 * Set-up's choice of language host: a real Pulumi install's `pulumi-language-nodejs` always wins
 * over Switchyard's own, which is then taken away from the engine's PATH.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

type HostModule = {
  HOST_NAME: string;
  findRealHost(options: { pulumiBinary: string; helpersDir: string; path?: string }): string | undefined;
  ensureLanguageHost(options: { root: string; pulumiBinary: string; helpersDir: string; version: string }): Promise<{ kind: string; path?: string }>;
};
const HOST_MODULE = pathToFileURL(path.join(__dirname, "..", "..", "..", "bootstrap", "ensure-language-host.mjs")).href;
const load = () => import(HOST_MODULE) as Promise<HostModule>;

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return file;
}

describe("set-up: which Node.js language host plain pulumi commands use", () => {
  let dir: string;
  let helpersDir: string;
  let ownCli: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-host-"));
    helpersDir = path.join(dir, "tools", "bin");
    // The CLI set-up built lives in the helpers folder, beside Switchyard's host.
    ownCli = executable(path.join(helpersDir, "pulumi"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a host beside a Pulumi install's CLI is found", async () => {
    const { findRealHost, HOST_NAME } = await load();
    const installed = path.join(dir, "pulumi-install", "bin");
    const cli = executable(path.join(installed, "pulumi"));
    const host = executable(path.join(installed, HOST_NAME));
    assert.equal(findRealHost({ pulumiBinary: cli, helpersDir, path: "" }), host);
  });

  it("a host on PATH is found; Switchyard's own, in the helpers folder, never counts as real", async () => {
    const { findRealHost, HOST_NAME } = await load();
    executable(path.join(helpersDir, HOST_NAME));
    assert.equal(findRealHost({ pulumiBinary: ownCli, helpersDir, path: helpersDir }), undefined);
    const onPath = executable(path.join(dir, "usr-bin", HOST_NAME));
    assert.equal(findRealHost({ pulumiBinary: ownCli, helpersDir, path: [helpersDir, path.dirname(onPath)].join(path.delimiter) }), onPath);
  });

  it("a file that is not executable is not a host", async () => {
    const { findRealHost, HOST_NAME } = await load();
    const plainFile = path.join(dir, "usr-bin", HOST_NAME);
    mkdirSync(path.dirname(plainFile), { recursive: true });
    writeFileSync(plainFile, "");
    assert.equal(findRealHost({ pulumiBinary: ownCli, helpersDir, path: path.dirname(plainFile) }), undefined);
  });

  it("with a real host, set-up records it and removes its own from the engine's PATH", async () => {
    const { ensureLanguageHost, HOST_NAME } = await load();
    const own = executable(path.join(helpersDir, HOST_NAME));
    const real = executable(path.join(dir, "usr-bin", HOST_NAME));
    const savedPath = process.env.PATH;
    process.env.PATH = `${path.dirname(real)}${path.delimiter}${savedPath}`;
    try {
      const chosen = await ensureLanguageHost({ root: dir, pulumiBinary: ownCli, helpersDir, version: "0.1.0" });
      assert.deepEqual(chosen, { kind: "pulumi", path: real });
      assert.equal(existsSync(own), false, "Switchyard's host no longer shadows the real one");
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe("set-up builds Switchyard's language host", function () {
  this.timeout(300_000);

  it("when none is found, and again when its binary is damaged", async () => {
    const { ensureLanguageHost, HOST_NAME } = await load();
    const dir = mkdtempSync(path.join(tmpdir(), "sy-host-build-"));
    const savedPath = process.env.PATH;
    try {
      const helpersDir = path.join(dir, "bin");
      const ownCli = executable(path.join(helpersDir, "pulumi"));
      // PATH without any real host, Go still on it.
      process.env.PATH = (savedPath ?? "").split(path.delimiter).filter((d) => !existsSync(path.join(d, HOST_NAME))).join(path.delimiter);
      const root = path.join(__dirname, "..", "..", "..");
      const built = await ensureLanguageHost({ root, pulumiBinary: ownCli, helpersDir, version: "0.1.0" });
      assert.deepEqual(built, { kind: "switchyard", path: path.join(helpersDir, HOST_NAME), version: "0.1.0" });
      const elf = (file: string) => readFileSync(file).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
      assert.ok(elf(built.path!), "an executable was built");
      writeFileSync(built.path!, "damaged");
      await ensureLanguageHost({ root, pulumiBinary: ownCli, helpersDir, version: "0.1.0" });
      assert.ok(elf(built.path!), "the damaged binary was rebuilt");
    } finally {
      process.env.PATH = savedPath;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Switchyard's language host (Go unit tests)", function () {
  this.timeout(300_000);

  it("go test passes: engine address, runtime options, the SDK entry points' arguments, config, plugins from the dependency graph", () => {
    const moduleDir = path.join(__dirname, "..", "..", "..", "bootstrap", "pulumi-cli");
    const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto" };
    const result = spawnSync("go", ["test", "-count=1", "./language-host"], { cwd: moduleDir, env, encoding: "utf8" });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^ok\s+switchyard\.local\/pulumi-cli\/language-host/m);
  });
});
