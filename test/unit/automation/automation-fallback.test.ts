/**
 * When the driver's fast engine path cannot be used, its runs become Automation API operations:
 * what each run becomes, when the fallback is taken, and set-up's check of what the fast path uses.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { automationCall, fastPathOff, needsFastPath } from "../../../automation/automation-fallback";
import { PROJECT_ROOT, readToolchain, type DirectEngineCheck } from "../../../model/toolchain";

type CheckModule = { checkDirectEngine(options: { root: string; pulumiBinary: string; cliVersion: string; previous?: DirectEngineCheck }): DirectEngineCheck };
const CHECK_MODULE = pathToFileURL(path.join(PROJECT_ROOT, "bootstrap", "check-direct-engine.mjs")).href;
const pulumiBinary = () => path.join(readToolchain().pulumiRoot, "bin", "pulumi");

describe("the Automation API fallback of the fast engine path", () => {
  it("a traffic step becomes stack.up with the same targets", () => {
    const args = ["up", "--yes", "--skip-preview", "--target", "urn:a", "--target", "urn:b"];
    assert.deepEqual(automationCall(args), { op: "up", targets: ["urn:a", "urn:b"] });
  });

  it("drift's code question becomes stack.preview, its cloud question stack.previewRefresh with the same parallelism", () => {
    assert.deepEqual(automationCall(["preview"]), { op: "preview" });
    assert.deepEqual(automationCall(["refresh", "--preview-only", "--parallel", "32"]), { op: "previewRefresh", parallel: 32 });
  });

  it("a run it has no equivalent for is refused, naming it", () => {
    assert.throws(() => automationCall(["refresh", "--yes"]), /no Automation API equivalent for `pulumi refresh --yes`/);
  });

  it("only runs that serve a program or read events need the fast path", () => {
    assert.equal(needsFastPath({}), false);
    assert.equal(needsFastPath({ program: async () => ({}) }), true);
    assert.equal(needsFastPath({ onEvent: () => {} }), true);
  });

  it("is taken when set-up's check failed, naming what is missing and the SDK version, or when turned off by hand", () => {
    const failed: DirectEngineCheck = { usable: false, reasons: ["@pulumi/pulumi/automation/server cannot be loaded (MODULE_NOT_FOUND)"], sdkVersion: "3.300.0", grpcVersion: "1.14.7", cliVersion: "3.274.1" };
    assert.equal(fastPathOff({}, { directEngine: failed }), "@pulumi/pulumi/automation/server cannot be loaded (MODULE_NOT_FOUND) (@pulumi/pulumi 3.300.0, pulumi 3.274.1)");
    assert.equal(fastPathOff({}, { directEngine: { ...failed, usable: true, reasons: [] } }), undefined);
    assert.equal(fastPathOff({ SWITCHYARD_DIRECT_ENGINE: "off" }, { directEngine: { ...failed, usable: true, reasons: [] } }), "SWITCHYARD_DIRECT_ENGINE=off");
  });
});

describe("set-up's check of what the fast engine path uses", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-direct-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("passes with this project's SDK, gRPC and CLI", async () => {
    const { checkDirectEngine } = (await import(CHECK_MODULE)) as CheckModule;
    const check = checkDirectEngine({ root: PROJECT_ROOT, pulumiBinary: pulumiBinary(), cliVersion: "this" });
    assert.deepEqual(check.reasons, []);
    assert.equal(check.usable, true);
  });

  it("fails on an SDK without the internals, saying which and its version", async () => {
    const { checkDirectEngine } = (await import(CHECK_MODULE)) as CheckModule;
    // An SDK package of another layout: no automation/server, no generated gRPC files.
    const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
    mkdirSync(sdk, { recursive: true });
    writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "9.0.0", main: "index.js" }));
    writeFileSync(path.join(sdk, "index.js"), "");
    writeFileSync(path.join(dir, "package.json"), "{}");
    const check = checkDirectEngine({ root: dir, pulumiBinary: pulumiBinary(), cliVersion: "this" });
    assert.equal(check.usable, false);
    assert.equal(check.sdkVersion, "9.0.0");
    assert.ok(check.reasons.some((reason) => reason.startsWith("@pulumi/pulumi/automation/server cannot be loaded")), check.reasons.join("\n"));
    assert.ok(check.reasons.some((reason) => reason.startsWith("@grpc/grpc-js cannot be loaded")), check.reasons.join("\n"));
  });

  it("fails on a CLI that rejects the flags the fast path passes", async () => {
    const { checkDirectEngine } = (await import(CHECK_MODULE)) as CheckModule;
    const cli = path.join(dir, "pulumi");
    writeFileSync(cli, '#!/bin/sh\necho "error: unknown flag: --exec-kind" >&2\nexit 1\n', { mode: 0o755 });
    const check = checkDirectEngine({ root: PROJECT_ROOT, pulumiBinary: cli, cliVersion: "old" });
    assert.equal(check.usable, false);
    assert.match(check.reasons[0]!, /^pulumi up rejects --client=127.0.0.1:1 --exec-kind auto.inline .*: error: unknown flag: --exec-kind$/);
  });

  it("is not repeated while the SDK, gRPC and CLI versions stay the same", async () => {
    const { checkDirectEngine } = (await import(CHECK_MODULE)) as CheckModule;
    const first = checkDirectEngine({ root: PROJECT_ROOT, pulumiBinary: pulumiBinary(), cliVersion: "this" });
    const again = checkDirectEngine({ root: PROJECT_ROOT, pulumiBinary: "/nonexistent/pulumi", cliVersion: "this", previous: first });
    assert.equal(again, first);
  });
});
