/**
 * Secrets stay redacted in every drift output: a resource whose secret value changed behind
 * Pulumi's back is reported as drift, and neither the old nor the new value appears anywhere.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkDrift } from "../../automation/drift/check";
import { buildDriftReport } from "../../automation/drift/report";
import { renderDriftJunit } from "../../automation/drift/render-junit";
import { renderDriftMarkdown } from "../../automation/drift/render-markdown";
import { renderDriftJson, renderDriftText } from "../../automation/drift/render-text";
import type { OpenedStack } from "../../automation/workspace";
import { secretFileProgram } from "../../bench/drift-support/program";
import { createTestProject, type TestProject } from "../support/project";

const DECLARED = "declared-secret-3f9a1c";
const CHANGED = "rotated-out-of-band-77d2e0";

describe("engine: drift never shows a secret", function () {
  this.timeout(120_000);
  let project: TestProject;
  let opened: OpenedStack;
  let dir: string;

  before(async () => {
    project = await createTestProject("drift-secrets");
    dir = mkdtempSync(path.join(tmpdir(), "sy-secret-"));
    opened = await project.open(secretFileProgram(path.join(dir, "token"), DECLARED));
    await opened.run("up", (stack) => stack.up());
  });

  after(async () => {
    await opened?.run("destroy", (stack) => stack.destroy());
    await project?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the changed secret as drift with its values redacted in table, JSON, Markdown, JUnit and progress", async () => {
    let progress = "";
    const clean = await checkDrift(opened, { progress: (line) => (progress += line) });
    assert.deepEqual(clean.items, [], "no drift right after the update");

    writeFileSync(path.join(dir, "token"), CHANGED);
    const { items, resources } = await checkDrift(opened, { progress: (line) => (progress += line) });
    assert.equal(items.length, 1, JSON.stringify(items));
    assert.equal(items[0]!.class, "drift");
    assert.equal(items[0]!.resource, "vault-token");
    assert.match(items[0]!.note ?? "", /secret/);

    const report = buildDriftReport({ stack: project.stackName, startedAt: Date.now(), items, resources });
    const outputs = [renderDriftText(report), renderDriftJson(report), renderDriftMarkdown(report), renderDriftJunit(report), progress];
    for (const text of outputs) {
      assert.ok(!text.includes(DECLARED), `the declared secret leaked:\n${text}`);
      assert.ok(!text.includes(CHANGED), `the changed secret leaked:\n${text}`);
    }
    assert.equal(report.summary.exit_code, 2);
  });
});
