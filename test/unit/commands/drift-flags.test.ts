/** `drift` rejects bad flags before it reads config or starts the engine. */
import assert from "node:assert/strict";
import { drift } from "../../../automation/commands/drift";
import type { CommandContext } from "../../../automation/commands/context";
import { ConfigError } from "../../../model/errors";
import { ReportFileError } from "../../../automation/report/files";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

// A folder with no project: any engine or config access would fail with a different error.
const ctx: CommandContext = { stack: "prod", json: true, yes: true, workDir: "/nonexistent/switchyard-project", progress: () => {} };

describe("drift flags", () => {
  it("--only must be cloud or code, and the error names the flag and the fix", async () => {
    await assert.rejects(drift(ctx, { only: "clouds" }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /--only: must be cloud or code \(got "clouds"\)/);
      assert.match(error.message, /fix: use --only cloud/);
      return true;
    });
  });

  it("a --markdown or --junit file that cannot be written is refused naming the flag, before the engine is asked", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-drift-flags-"));
    try {
      writeFileSync(path.join(dir, "plain"), "");
      await assert.rejects(drift(ctx, { markdown: path.join(dir, "plain", "drift.md") }), (error: unknown) => error instanceof ReportFileError && /^--markdown .*: cannot write the report there/.test(error.message));
      await assert.rejects(drift(ctx, { junit: path.join(dir, "plain", "drift.xml") }), /^ReportFileError: --junit /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--fix needs the cloud question, so --only code with --fix is refused", async () => {
    await assert.rejects(drift(ctx, { only: "code", fix: "revert" }), (error: unknown) => error instanceof ConfigError && /--fix needs the cloud question/.test(error.message));
  });
});
