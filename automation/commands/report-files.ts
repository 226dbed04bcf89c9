/**
 * `--markdown F` and `--html F` of deploy, rollback and abort: the command's report as files for
 * a PR comment, a CI step summary or a browser. The files are checked before the command acts and
 * written when it ends, however it ends: a deploy that fails half-way is when its timeline is
 * wanted most, so an error still leaves a `failed` report, built from the rollout record as the
 * backend holds it, before the error goes on to the command line.
 */
import { SwitchyardError } from "../../model/errors";
import { buildReport } from "../report/build";
import { prepareReportFile, ReportFileError, writeReportFile } from "../report/files";
import type { Report } from "../report/model";
import { renderReportHtml, type ReportAssets } from "../report/render-html";
import { renderReportMarkdown } from "../report/render-markdown";
import { thresholdsOf } from "../report/timeline";
import type { RolloutRecord } from "../rollout/record";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

export interface ReportFileFlags {
  readonly markdown?: string;
  readonly html?: string;
}

/** The report file flags among a command's raw flags. */
export function reportFileFlags(flags: Readonly<Record<string, unknown>>): ReportFileFlags {
  const text = (key: string) => (typeof flags[key] === "string" ? (flags[key] as string) : undefined);
  return { markdown: text("markdown"), html: text("html") };
}

export function writeCommandReport(report: Report, files: ReportFileFlags, assets: () => ReportAssets = defaultAssets): void {
  if (files.markdown) writeReportFile("--markdown", files.markdown, renderReportMarkdown(report));
  if (files.html) writeReportFile("--html", files.html, renderReportHtml(report, assets()));
}

const defaultAssets = () => (require("../report/assets") as typeof import("../report/assets")).readReportAssets();

export interface FailureInput {
  readonly ctx: CommandContext;
  readonly command: string;
  readonly startedAt: number;
  readonly error: unknown;
}

export interface ReportFileDeps {
  /** The report of a command that threw; undefined when there is nothing to say beyond the error. */
  readonly failureReport?: (input: FailureInput) => Promise<Report | undefined>;
  readonly assets?: () => ReportAssets;
  /** Where a report that could not be written after a failure is mentioned (the error itself goes on). */
  readonly warn?: (line: string) => void;
}

/** Runs a command with its report files: checked first, written at the end, on failure too. */
export async function withReportFiles(ctx: CommandContext, command: string, files: ReportFileFlags, run: () => Promise<CommandResult>, deps: ReportFileDeps = {}): Promise<CommandResult> {
  if (!files.markdown && !files.html) return run();
  if (files.markdown) prepareReportFile("--markdown", files.markdown);
  if (files.html) prepareReportFile("--html", files.html);
  const startedAt = Date.now();
  let result: CommandResult;
  try {
    result = await run();
  } catch (error) {
    try {
      const report = await (deps.failureReport ?? failureReport)({ ctx, command, startedAt, error });
      if (report) writeCommandReport(report, files, deps.assets);
    } catch (secondary) {
      (deps.warn ?? ((line) => process.stderr.write(line)))(`the report files of the failed ${command} were not written: ${(secondary as Error).message}\n`);
    }
    throw error;
  }
  try {
    writeCommandReport(result.report, files, deps.assets);
  } catch (error) {
    // The command's outcome is not printed when this fails: say it here.
    if (error instanceof ReportFileError) throw new ReportFileError(`${command} ended ${result.report.summary.status}, but ${error.message}`, error.fix);
    throw error;
  }
  return result;
}

/**
 * A failed command's report: the error as its message and fix, and the rollout record when this
 * command touched it (an older record's timeline would tell another story).
 */
export async function failureReport({ ctx, command, startedAt, error }: FailureInput): Promise<Report> {
  let environment = "unknown";
  let thresholds = {};
  try {
    const { loadStackConfig } = require("../../stacks/load-config") as typeof import("../../stacks/load-config");
    const { config } = loadStackConfig(ctx.stack, ctx.workDir);
    environment = config.environment;
    thresholds = thresholdsOf(config.analysis?.metrics);
  } catch {
    // An invalid stack file is often the very error: the report says it without the config.
  }
  let record: RolloutRecord | undefined;
  try {
    const { openDocumentStore } = require("../store/open-store") as typeof import("../store/open-store");
    const { engineBackendUrl, PROJECT_NAME } = require("../workspace") as typeof import("../workspace");
    const { ROLLOUT_KEY } = require("../rollout/record") as typeof import("../rollout/record");
    const stored = (await openDocumentStore(engineBackendUrl(), PROJECT_NAME, ctx.stack).get<RolloutRecord>(ROLLOUT_KEY))?.value;
    if (stored && Date.parse(stored.updatedAt) >= startedAt) record = stored;
  } catch {
    // The backend may be what failed: the report still carries the error.
  }
  const message = error instanceof Error ? error.message : String(error);
  const fix = error instanceof SwitchyardError ? error.fix : undefined;
  return buildReport({ command, stack: ctx.stack, environment, startedAt, status: "failed", message, record, thresholds, nextSteps: fix ? [fix] : [] });
}
