/**
 * The `switchyard` command line: parses flags, runs one command, renders its report and maps
 * errors to exit codes (see exit-codes.ts). Nothing here talks to the engine directly.
 */
import { createInterface } from "node:readline/promises";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { z } from "zod";
import type { CommandContext } from "./commands/context";
import { deploy, type CommandResult } from "./commands/deploy";
import { control } from "./commands/control";
import { preview } from "./commands/preview";
import { metrics, releases, type ListingResult } from "./commands/releases";
import { rollback } from "./commands/rollback";
import { checkpoints, recover } from "./commands/recover";
import { status } from "./commands/status";
import { driftCommand } from "./commands/drift";
import { ConfigError, SwitchyardError } from "./errors";
import type { RolloutFlags } from "./rollout/overrides";
import { ExitCode } from "./exit-codes";
import { renderJson, renderText } from "./report/render";
import { PROJECT_ROOT } from "./workspace";

type Handler = (ctx: CommandContext, flags: Record<string, unknown>) => Promise<CommandResult | ListingResult>;

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly handler: Handler;
  /** Asks before acting on a shared stack, unless --yes or not on a terminal. */
  readonly confirm?: boolean;
  /** Flags of this command alone: [flags, description]. */
  readonly options?: readonly (readonly [string, string])[];
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: "deploy",
    summary: "deploy the stack config: one update, or a progressive rollout to switchyard:active",
    handler: deploy,
    confirm: true,
    options: [
      ["--strategy <name>", "override the rollout strategy for this run: canary, blue-green, linear, all-at-once"],
      ["--preset <name>", "a CodeDeploy preset, e.g. Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce"],
      ["--steps <weights>", "canary weights of the new slot, e.g. 5,25,50,100"],
      ["--step-weight <percent>", "increment per step (linear, or canary without steps)"],
      ["--bake <duration>", "how long each step holds, e.g. 30s, 2m"],
    ],
  },
  {
    name: "preview",
    summary: "show what a deploy would change; changes nothing",
    handler: (ctx, flags) => preview(ctx, { policy: Boolean(flags.policy), policyConfig: flags.policyConfig as string | undefined }),
    options: [
      ["--policy", "run the policy pack (policy/); a mandatory violation fails the command"],
      ["--policy-config <file>", "policy pack config (default: stacks/Pulumi.<stack>.policy.json)"],
    ],
  },
  {
    name: "policy",
    summary: "preview with the policy pack: list violations, fail on mandatory ones; changes nothing",
    handler: (ctx, flags) => preview(ctx, { policy: true, policyConfig: flags.policyConfig as string | undefined }),
    options: [["--policy-config <file>", "policy pack config (default: stacks/Pulumi.<stack>.policy.json)"]],
  },
  {
    name: "drift",
    summary: "has the cloud (refresh preview) or code and config (preview) moved away from state? exit 2 on drift; changes nothing unless --fix",
    handler: driftCommand,
    options: [
      ["--fix <mode>", "revert: put the cloud back to the declared state; accept: take the cloud's values into state (both ask first unless --yes)"],
      ["--markdown <file>", "also write the report as Markdown (PR comment, CI step summary)"],
      ["--junit <file>", "also write JUnit XML: one case per resource, drifted ones failed"],
    ],
  },
  { name: "status", summary: "show what the stack runs now, its last update and any rollout in progress; changes nothing", handler: status },
  { name: "pause", summary: "pause the rollout in progress at its current step", handler: (ctx) => control(ctx, "pause") },
  { name: "resume", summary: "resume a paused rollout (its current step is analysed again)", handler: (ctx) => control(ctx, "resume") },
  {
    name: "promote",
    summary: "accept the current step and go on (--full: straight to 100%)",
    handler: (ctx, flags) => control(ctx, flags.full ? "promote-full" : "promote"),
    options: [["--full", "skip every remaining step and shift all traffic to the new release"]],
  },
  { name: "releases", summary: "list the stack's releases (newest last); changes nothing", handler: (ctx) => releases(ctx) },
  {
    name: "rollback",
    summary: "re-apply a prior release with the engine (default: the one before the current)",
    handler: (ctx, flags) => rollback(ctx, { to: flags.to as string | undefined, force: Boolean(flags.force), gradual: Boolean(flags.gradual) }),
    confirm: true,
    options: [
      ["--to <release>", "the release to go back to, e.g. rel-3 (see releases)"],
      ["--force", "apply the release's config even though the program changed since it"],
      ["--gradual", "step traffic back through the rollout strategy, with analysis, instead of at once"],
    ],
  },
  {
    name: "metrics",
    summary: "delivery metrics: deployment frequency, lead time, change failure rate, time to restore",
    handler: (ctx, flags) => metrics(ctx, (flags.since as string | undefined) ?? "30d"),
    options: [["--since <window>", "how far back, e.g. 30d, 12h, 2w (default 30d)"]],
  },
  {
    name: "recover",
    summary: "settle an interrupted update (stale lock, pending operations); --checkpoint puts back a kept state",
    handler: (ctx, flags) => recover(ctx, { checkpoint: flags.checkpoint as string | undefined }),
    confirm: true,
    options: [["--checkpoint <id>", "restore the state kept before a deploy (an id from `checkpoints`, or latest); state only"]],
  },
  { name: "checkpoints", summary: "list the state checkpoints kept before deploys; changes nothing", handler: (ctx) => checkpoints(ctx) },
  { name: "abort", summary: "roll back: all traffic to the stable slot, then the prior release again", handler: (ctx) => control(ctx, "abort"), confirm: true },
];

/** Stacks whose changes need no confirmation: they only touch this machine. */
const UNCONFIRMED_STACKS = new Set(["local"]);

const flagsSchema = z.looseObject({
  stack: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "must be a stack name: letters, digits, '_', '.', '-', starting with a letter or digit"),
  json: z.boolean().default(false),
  yes: z.boolean().default(false),
  cwd: z.string().default(PROJECT_ROOT),
});

function parseFlags(raw: unknown) {
  const result = flagsSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      path: `--${issue.path.join(".")}`,
      message: issue.message,
      value: JSON.stringify(issue.input),
      fix: "see --help",
    })),
    "command line",
  );
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function reportError(error: unknown, json: boolean): number {
  const known = error instanceof SwitchyardError;
  const message = error instanceof Error ? error.message : String(error);
  const fix = known ? error.fix : undefined;
  if (json) {
    const type = error instanceof Error ? error.name : "Error";
    process.stdout.write(`${JSON.stringify({ error: { type, message, fix } }, null, 2)}\n`);
  }
  process.stderr.write(`error: ${message}\n${fix ? `  fix: ${fix}\n` : ""}`);
  return known ? error.exitCode : ExitCode.Error;
}

async function runCommand(spec: CommandSpec, rawFlags: unknown): Promise<number> {
  let json = Boolean((rawFlags as { json?: boolean }).json);
  try {
    const flags = parseFlags(rawFlags);
    json = flags.json;
    const interactive = Boolean(process.stdin.isTTY) && !flags.yes;
    if (spec.confirm && interactive && !UNCONFIRMED_STACKS.has(flags.stack)) {
      if (!(await confirmed(`${spec.name} stack "${flags.stack}"?`))) {
        process.stderr.write("cancelled; nothing was changed\n");
        return ExitCode.Error;
      }
    }
    const ctx: CommandContext = {
      stack: flags.stack,
      json: flags.json,
      yes: flags.yes || !interactive,
      workDir: path.resolve(flags.cwd),
      rolloutFlags: rawFlags as RolloutFlags,
      progress: flags.json ? () => {} : (line) => process.stderr.write(line),
    };
    const result = await spec.handler(ctx, rawFlags as Record<string, unknown>);
    if ("report" in result) process.stdout.write(`${flags.json ? renderJson(result.report) : renderText(result.report)}\n`);
    else process.stdout.write(`${flags.json ? JSON.stringify(result.document, null, 2) : result.text}\n`);
    return result.exitCode;
  } catch (error) {
    return reportError(error, json);
  }
}

export function buildCli(onExit: (code: number) => void): Command {
  const cli = new Command("switchyard")
    .description("Ship infrastructure changes without downtime, on Pulumi.")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  cli.addHelpText(
    "after",
    "\nExit codes: 0 done, 1 error (bad input, failed operation), 2 drift found, 3 rolled back, 4 paused for a person.",
  );
  for (const spec of COMMANDS) {
    const command = cli.command(spec.name);
    for (const [flags, description] of spec.options ?? []) command.option(flags, description);
    command
      .description(spec.summary)
      .requiredOption("-s, --stack <name>", "the stack to act on (stacks/Pulumi.<name>.yaml)")
      .option("--json", "print one JSON document on stdout instead of text")
      .option("-y, --yes", "no prompts (implied when stdin is not a terminal)")
      .option("-C, --cwd <dir>", "folder with Pulumi.yaml and stacks/ (default: this project)")
      .exitOverride()
      .action(async (flags) => onExit(await runCommand(spec, flags)));
  }
  return cli;
}

async function main(argv: readonly string[]): Promise<void> {
  let exitCode: number | undefined;
  const cli = buildCli((code) => (exitCode = code));
  try {
    await cli.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1.
      exitCode = error.exitCode === 0 ? ExitCode.Done : ExitCode.Error;
    } else {
      exitCode = reportError(error, argv.includes("--json"));
    }
  }
  process.exitCode = exitCode ?? ExitCode.Done;
}

if (require.main === module) void main(process.argv.slice(2));
