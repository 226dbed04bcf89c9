/** When drift's code question may run the project's program file instead of the inline program. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { asProgramFile, programFileFor } from "../../../model/program-file";
import { deferredSwitchyardProgram } from "../../../stacks/deferred-program";
import { PROJECT_ROOT } from "../../../model/toolchain";

const HOST = { languageHost: { kind: "switchyard" as const, path: "/x", version: "0.1.0" } };

describe("the program file the engine may run for an inline program", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-main-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the Switchyard program is the repository's stacks/main.ts, which its Pulumi.yaml names", () => {
    assert.equal(programFileFor(deferredSwitchyardProgram, PROJECT_ROOT, HOST), path.join(PROJECT_ROOT, "stacks", "main.ts"));
  });

  it("only when Pulumi.yaml's main names that very file", () => {
    const program = asProgramFile(async () => ({}), path.join(dir, "app", "index.ts"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: app/index.ts\n");
    assert.equal(programFileFor(program, dir, HOST), path.join(dir, "app", "index.ts"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: other.ts\n");
    assert.equal(programFileFor(program, dir, HOST), undefined, "another main");
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    assert.equal(programFileFor(program, dir, HOST), undefined, "no main");
  });

  it("never for a program not marked as a file, nor without a language host", () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: index.ts\n");
    assert.equal(programFileFor(async () => ({}), dir, HOST), undefined);
    const program = asProgramFile(async () => ({}), path.join(dir, "index.ts"));
    assert.equal(programFileFor(program, dir, { languageHost: { kind: "none", reason: "no Go" } }), undefined);
  });
});
