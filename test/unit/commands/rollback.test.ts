import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { programChangedSince } from "../../../automation/commands/rollback";

describe("rollback: has the program changed since a release?", () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
  const commitFile = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", file);
    return git("rev-parse", "HEAD");
  };

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), "sy-git-"));
    git("init", "-q");
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it("is unchanged at the release's own commit, and when only docs changed since", () => {
    const release = commitFile("components/x.ts", "export const x = 1;\n");
    assert.equal(programChangedSince(repo, release), undefined);
    commitFile("README.md", "docs\n");
    assert.equal(programChangedSince(repo, release), undefined);
  });

  it("names the commit when components or the program changed since", () => {
    const release = commitFile("components/x.ts", "export const x = 1;\n");
    commitFile("stacks/program.ts", "export {};\n");
    assert.match(programChangedSince(repo, release)!, new RegExp(`the program changed since commit ${release.slice(0, 8)}`));
  });

  it("counts the shared model (config schemas, weights, outputs) as the program", () => {
    const release = commitFile("components/x.ts", "export const x = 1;\n");
    commitFile("model/config/stack.ts", "export {};\n");
    assert.match(programChangedSince(repo, release)!, /the program changed since commit/);
  });

  it("says when the release's commit is not in this checkout", () => {
    commitFile("components/x.ts", "1\n");
    assert.match(programChangedSince(repo, "0123456789abcdef0123456789abcdef01234567")!, /is not in this checkout/);
  });
});
