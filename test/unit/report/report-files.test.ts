/** `--markdown` and `--html` of deploy, rollback and abort: checked first, written however the command ends. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildCli } from "../../../automation/cli";
import type { CommandContext } from "../../../automation/commands/context";
import type { CommandResult } from "../../../automation/commands/deploy";
import { failureReport, reportFileFlags, withReportFiles } from "../../../automation/commands/report-files";
import { ExitCode } from "../../../automation/exit-codes";
import { buildReport } from "../../../automation/report/build";
import { prepareReportFile, ReportFileError, writeReportFile } from "../../../automation/report/files";
import { ROLLOUT_KEY } from "../../../automation/rollout/record";
import { openDocumentStore } from "../../../automation/store/open-store";
import { PROJECT_NAME } from "../../../automation/workspace";
import { SwitchyardError } from "../../../model/errors";
import { rolledBack, T0, THRESHOLDS } from "./fixtures";

const ctx: CommandContext = { stack: "prod", json: true, yes: true, workDir: "/nonexistent/switchyard-project", progress: () => {} };
const assets = () => ({ chartJs: "/* chart */", timelineCharts: "/* timeline */" });
const rolledBackResult = (): CommandResult => ({
  report: buildReport({ command: "deploy", stack: "prod", environment: "production", startedAt: T0, now: T0 + 25_000, status: "rolled-back", record: rolledBack, thresholds: THRESHOLDS }),
  exitCode: ExitCode.RolledBack,
});

class EngineFailed extends SwitchyardError {}

describe("report files of deploy, rollback and abort", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-files-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads --markdown and --html from the raw flags", () => {
    assert.deepEqual(reportFileFlags({ markdown: "a.md", html: "b.html", stack: "prod" }), { markdown: "a.md", html: "b.html" });
    assert.deepEqual(reportFileFlags({ markdown: true }), { markdown: undefined, html: undefined });
  });

  it("creates missing folders, and refuses a file it cannot write naming the flag", () => {
    const deep = path.join(dir, "out", "reports", "deploy.md");
    writeReportFile("--markdown", deep, "# hello\n");
    assert.equal(readFileSync(deep, "utf8"), "# hello\n");
    writeFileSync(path.join(dir, "plain"), "");
    assert.throws(() => prepareReportFile("--html", path.join(dir, "plain", "x.html")), (e: unknown) => e instanceof ReportFileError && /^--html .*plain\/x\.html: cannot write the report there \((ENOTDIR|EEXIST)\)$/.test(e.message) && /--html/.test(e.fix!));
    assert.throws(() => prepareReportFile("--markdown", dir), /--markdown .*: cannot write the report there \(it is a folder\)/);
    assert.throws(() => prepareReportFile("--markdown", " "), /--markdown " ": cannot write the report there \(no file name\)/);
  });

  it("writes both files when the command ends, with the rollout's charts", async () => {
    const files = { markdown: path.join(dir, "md", "deploy.md"), html: path.join(dir, "html", "deploy.html") };
    const result = await withReportFiles(ctx, "deploy", files, async () => rolledBackResult(), { assets });
    assert.equal(result.exitCode, ExitCode.RolledBack);
    const markdown = readFileSync(files.markdown, "utf8");
    assert.match(markdown, /^<!-- switchyard-deploy:prod -->\n### Switchyard deploy: `prod` — :leftwards_arrow_with_hook: rolled back/);
    assert.equal(markdown.match(/```mermaid\n/g)!.length, 3);
    const html = readFileSync(files.html, "utf8");
    assert.match(html, /<script>\/\* chart \*\/<\/script>/);
    assert.match(html, /id="switchyard-report"/);
  });

  it("checks the files before the command acts: one that cannot be written stops it untouched", async () => {
    writeFileSync(path.join(dir, "plain"), "");
    let ran = false;
    await assert.rejects(
      withReportFiles(ctx, "deploy", { html: path.join(dir, "plain", "r.html") }, async () => ((ran = true), rolledBackResult()), { assets }),
      /--html .*: cannot write the report there/,
    );
    assert.equal(ran, false);
  });

  it("a command that throws still leaves a failed report, then its own error goes on", async () => {
    const files = { markdown: path.join(dir, "deploy.md") };
    const error = new EngineFailed("pulumi up failed: is port 18082 free?", "stop what holds the port");
    const seen: string[] = [];
    await assert.rejects(
      withReportFiles(
        ctx,
        "deploy",
        files,
        async () => {
          throw error;
        },
        {
          assets,
          failureReport: async (input) => {
            seen.push(`${input.command} ${(input.error as Error).message}`);
            return buildReport({ command: input.command, stack: "prod", environment: "production", startedAt: T0, now: T0 + 25_000, status: "failed", message: (input.error as Error).message, record: rolledBack, thresholds: THRESHOLDS });
          },
        },
      ),
      (e: unknown) => e === error,
    );
    assert.deepEqual(seen, ["deploy pulumi up failed: is port 18082 free?"]);
    const markdown = readFileSync(files.markdown, "utf8");
    assert.match(markdown, /:x: failed/);
    assert.match(markdown, /> pulumi up failed: is port 18082 free\?/);
    assert.match(markdown, /```mermaid\ngantt\n/);
  });

  it("a failure report that cannot be built is mentioned, and the command's error still wins", async () => {
    const warnings: string[] = [];
    const error = new EngineFailed("boom");
    await assert.rejects(
      withReportFiles(ctx, "abort", { markdown: path.join(dir, "a.md") }, async () => Promise.reject(error), {
        failureReport: async () => {
          throw new Error("backend unreachable");
        },
        warn: (line) => warnings.push(line),
      }),
      (e: unknown) => e === error,
    );
    assert.deepEqual(warnings, ["the report files of the failed abort were not written: backend unreachable\n"]);
    assert.equal(existsSync(path.join(dir, "a.md")), false);
  });

  it("no file flags: the command runs as it is", async () => {
    const result = rolledBackResult();
    assert.equal(await withReportFiles(ctx, "deploy", {}, async () => result), result);
  });

  describe("the failed report from the backend", () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env.PULUMI_BACKEND_URL;
      process.env.PULUMI_BACKEND_URL = `file://${dir}`;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.PULUMI_BACKEND_URL;
      else process.env.PULUMI_BACKEND_URL = saved;
    });

    it("carries the record this command touched, and the error's fix as the next step", async () => {
      const startedAt = Date.now();
      await openDocumentStore(`file://${dir}`, PROJECT_NAME, "prod").put(ROLLOUT_KEY, { ...rolledBack, updatedAt: new Date(startedAt + 1000).toISOString() }, 0);
      const report = await failureReport({ ctx, command: "deploy", startedAt, error: new EngineFailed("engine died", "switchyard recover --stack prod") });
      assert.equal(report.summary.status, "failed");
      assert.equal(report.summary.message, "engine died");
      assert.equal(report.summary.environment, "unknown");
      assert.deepEqual(report.next_steps, ["switchyard recover --stack prod"]);
      assert.equal(report.timeline?.id, rolledBack.id);
    });

    it("leaves out an older record: its timeline would tell another story", async () => {
      await openDocumentStore(`file://${dir}`, PROJECT_NAME, "prod").put(ROLLOUT_KEY, rolledBack, 0);
      const report = await failureReport({ ctx, command: "deploy", startedAt: Date.now(), error: new Error("held back") });
      assert.equal(report.timeline, undefined);
      assert.equal(report.steps.length, 0);
    });
  });
});

describe("the command line's --markdown and --html", () => {
  /** Runs the CLI in this process; returns its exit code and what it wrote on stderr. */
  async function cli(...args: string[]): Promise<{ code: number | undefined; stderr: string }> {
    let code: number | undefined;
    let stderr = "";
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    try {
      await buildCli((c) => (code = c)).parseAsync(args, { from: "user" });
    } finally {
      process.stderr.write = write;
    }
    return { code, stderr };
  }

  it("deploy, rollback and abort refuse a report file they cannot write before they touch the stack", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-cli-"));
    try {
      writeFileSync(path.join(dir, "plain"), "");
      for (const [command, flag] of [["deploy", "--html"], ["rollback", "--markdown"], ["abort", "--markdown"]] as const) {
        const { code, stderr } = await cli(command, "--stack", "prod", "--yes", "--cwd", "/nonexistent/switchyard-project", flag, path.join(dir, "plain", "r"));
        assert.equal(code, 1, stderr);
        assert.match(stderr, new RegExp(`^error: ${flag} .*plain/r: cannot write the report there`), command);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("only deploy and rollback write HTML", async () => {
    const options = (name: string) => buildCli(() => {}).commands.find((c) => c.name() === name)!.options.map((o) => o.long);
    for (const name of ["deploy", "rollback"]) assert.ok(options(name).includes("--markdown") && options(name).includes("--html"), name);
    assert.ok(options("abort").includes("--markdown") && !options("abort").includes("--html"));
    assert.ok(options("drift").includes("--markdown"));
  });
});
