/**
 * `drift` as a command line of its own, with the flags and exit codes of `switchyard drift`.
 * It lets CI run the check before the main CLI (automation/cli.ts) lists the command; once it
 * does, `switchyard drift` is the same thing.
 */
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { drift } from "../commands/drift";
import type { CommandContext } from "../commands/context";
import { ExitCode } from "../exit-codes";
import { SwitchyardError } from "../errors";
import { PROJECT_ROOT } from "../workspace";
import { renderDriftJson, renderDriftText } from "./render-text";

interface EntryFlags {
  readonly stack: string;
  readonly json?: boolean;
  readonly yes?: boolean;
  readonly cwd?: string;
  readonly fix?: string;
  readonly markdown?: string;
  readonly junit?: string;
}

export async function runDriftEntry(argv: readonly string[]): Promise<number> {
  const program = new Command("switchyard drift")
    .requiredOption("-s, --stack <name>", "the stack to check")
    .option("--json", "print one JSON document on stdout instead of text")
    .option("-y, --yes", "no prompts (implied when stdin is not a terminal)")
    .option("-C, --cwd <dir>", "folder with Pulumi.yaml and stacks/")
    .option("--fix <mode>", "revert (cloud back to code) or accept (state takes the cloud's values)")
    .option("--markdown <file>", "also write the report as Markdown (PR comment, CI step summary)")
    .option("--junit <file>", "also write JUnit XML: one case per resource, drifted ones failed")
    .exitOverride();
  let flags: EntryFlags;
  try {
    flags = program.parse([...argv], { from: "user" }).opts<EntryFlags>();
  } catch (error) {
    return error instanceof CommanderError && error.exitCode === 0 ? ExitCode.Done : ExitCode.Error;
  }
  const json = Boolean(flags.json);
  const ctx: CommandContext = {
    stack: flags.stack,
    json,
    yes: Boolean(flags.yes) || !process.stdin.isTTY,
    workDir: path.resolve(flags.cwd ?? PROJECT_ROOT),
    progress: json ? () => {} : (line) => process.stderr.write(line),
  };
  try {
    const { report, exitCode } = await drift(ctx, { fix: flags.fix, markdown: flags.markdown, junit: flags.junit });
    process.stdout.write(`${json ? renderDriftJson(report) : renderDriftText(report)}\n`);
    return exitCode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fix = error instanceof SwitchyardError ? error.fix : undefined;
    if (json) process.stdout.write(`${JSON.stringify({ error: { type: error instanceof Error ? error.name : "Error", message, fix } }, null, 2)}\n`);
    process.stderr.write(`error: ${message}\n${fix ? `  fix: ${fix}\n` : ""}`);
    return error instanceof SwitchyardError ? error.exitCode : ExitCode.Error;
  }
}

if (require.main === module) void runDriftEntry(process.argv.slice(2)).then((code) => (process.exitCode = code));
