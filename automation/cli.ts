/**
 * The `switchyard` command line: parses flags, runs one command, renders its report and maps
 * errors to exit codes (see exit-codes.ts). Nothing here talks to the engine directly.
 */
import { createInterface } from "node:readline/promises";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import type { CommandContext } from "./commands/context";
import type { CommandResult } from "./commands/deploy";
import type { ListingResult } from "./commands/releases";
import { ConfigError, SwitchyardError } from "../model/errors";
import type { RolloutFlags } from "./rollout/overrides";
import { ExitCode } from "./exit-codes";
import { renderJson, renderText } from "./report/render";
import { STACK_NAME, STACK_NAME_RULE } from "./stack-name";
import { PROJECT_ROOT } from "../model/toolchain";

/** Read-only engine work a command starts before its input is validated (see drift/early-start.ts). */
interface Prestarted {
  cancel(): void;
}

type Handler = (ctx: CommandContext, flags: Record<string, unknown>, early?: Prestarted) => Promise<CommandResult | ListingResult>;

/**
 * Each command's module loads when that command runs: the rollout machinery, the Pulumi SDK
 * and the cloud clients cost about a second of start-up that `--help` or `drift` do not need.
 */
const commands = {
  deploy: () => require("./commands/deploy") as typeof import("./commands/deploy"),
  control: () => require("./commands/control") as typeof import("./commands/control"),
  preview: () => require("./commands/preview") as typeof import("./commands/preview"),
  releases: () => require("./commands/releases") as typeof import("./commands/releases"),
  rollback: () => require("./commands/rollback") as typeof import("./commands/rollback"),
  recover: () => require("./commands/recover") as typeof import("./commands/recover"),
  status: () => require("./commands/status") as typeof import("./commands/status"),
  drift: () => require("./commands/drift") as typeof import("./commands/drift"),
  destroy: () => require("./commands/destroy") as typeof import("./commands/destroy"),
  dr: () => require("./commands/dr") as typeof import("./commands/dr"),
  watch: () => require("./commands/watch") as typeof import("./commands/watch"),
  pipeline: () => require("./commands/pipeline") as typeof import("./commands/pipeline"),
  reportFiles: () => require("./commands/report-files") as typeof import("./commands/report-files"),
};

/** Runs a command whose report can also go to files (`--markdown`, `--html`), written however it ends. */
function withFiles(ctx: CommandContext, command: string, flags: Record<string, unknown>, run: () => Promise<CommandResult>): Promise<CommandResult> {
  const files = commands.reportFiles();
  return files.withReportFiles(ctx, command, files.reportFileFlags(flags), run);
}

const MARKDOWN_OPTION = ["--markdown <file>", "also write the report as Markdown with the rollout's timeline as Mermaid charts (PR comment, CI step summary), also when it fails"] as const;
const HTML_OPTION = ["--html <file>", "also write the report as one self-contained HTML file with the timeline's charts, also when it fails"] as const;

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly handler: Handler;
  /** Asks before acting on a shared stack, unless --yes or not on a terminal. */
  readonly confirm?: boolean;
  /** Asks on every stack, `local` included (irreversible). */
  readonly confirmAlways?: boolean;
  /** Starts read-only work from the raw flags, overlapping start-up; cancelled if the command fails first. */
  readonly prestart?: (raw: Readonly<Record<string, unknown>>) => Prestarted | undefined;
  /** Flags of this command alone: [flags, description]. */
  readonly options?: readonly (readonly [string, string])[];
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: "deploy",
    summary: "deploy the stack config: one update, or a progressive rollout to switchyard:active",
    handler: (ctx, flags) => withFiles(ctx, "deploy", flags, () => commands.deploy().deploy(ctx, { retry: Boolean(flags.retry) })),
    confirm: true,
    options: [
      ["--retry", "roll out again the release the stack file asks for after it was rolled back"],
      ["--strategy <name>", "override the rollout strategy for this run: canary, blue-green, linear, all-at-once"],
      ["--preset <name>", "a CodeDeploy preset, e.g. Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce"],
      ["--steps <weights>", "canary weights of the new slot, e.g. 5,25,50,100"],
      ["--step-weight <percent>", "increment per step (linear, or canary without steps)"],
      ["--bake <duration>", "how long each step holds, e.g. 30s, 2m"],
      MARKDOWN_OPTION,
      HTML_OPTION,
    ],
  },
  {
    name: "preview",
    summary: "show what a deploy would change; changes nothing",
    handler: (ctx, flags) => commands.preview().preview(ctx, { policy: Boolean(flags.policy), policyConfig: flags.policyConfig as string | undefined }),
    options: [
      ["--policy", "run the policy pack (policy/); a mandatory violation fails the command"],
      ["--policy-config <file>", "policy pack config (default: stacks/Pulumi.<stack>.policy.json)"],
    ],
  },
  {
    name: "policy",
    summary: "preview with the policy pack: list violations, fail on mandatory ones; changes nothing",
    handler: (ctx, flags) => commands.preview().preview(ctx, { policy: true, policyConfig: flags.policyConfig as string | undefined }),
    options: [["--policy-config <file>", "policy pack config (default: stacks/Pulumi.<stack>.policy.json)"]],
  },
  {
    name: "drift",
    summary: "has the cloud (refresh preview) or code and config (preview) moved away from state? exit 2 on drift; changes nothing unless --fix",
    prestart: (raw) => (require("./drift/early-start") as typeof import("./drift/early-start")).EarlyDriftQuestions.start(raw),
    handler: (ctx, flags, early) => commands.drift().driftCommand(ctx, flags, early),
    options: [
      ["--fix <mode>", "revert: put the cloud back to the declared state; accept: take the cloud's values into state (both ask first unless --yes)"],
      ["--markdown <file>", "also write the report as Markdown (PR comment, CI step summary)"],
      ["--junit <file>", "also write JUnit XML: one case per resource, drifted ones failed"],
      ["--only <question>", "ask one question: cloud (refresh preview: has the cloud moved from state?) or code (preview: have code or config?)"],
    ],
  },
  { name: "status", summary: "show what the stack runs now, its last update and any rollout in progress; changes nothing", handler: (ctx) => commands.status().status(ctx) },
  { name: "pause", summary: "pause the rollout in progress at its current step", handler: (ctx) => commands.control().control(ctx, "pause") },
  { name: "resume", summary: "resume a paused rollout (its current step is analysed again)", handler: (ctx) => commands.control().control(ctx, "resume") },
  {
    name: "promote",
    summary: "accept the current step and go on (--full: straight to 100%)",
    handler: (ctx, flags) => commands.control().control(ctx, flags.full ? "promote-full" : "promote"),
    options: [["--full", "skip every remaining step and shift all traffic to the new release"]],
  },
  { name: "releases", summary: "list the stack's releases (newest last); changes nothing", handler: (ctx) => commands.releases().releases(ctx) },
  {
    name: "rollback",
    summary: "re-apply a prior release with the engine (default: the one before the current)",
    handler: (ctx, flags) =>
      withFiles(ctx, "rollback", flags, () => commands.rollback().rollback(ctx, { to: flags.to as string | undefined, force: Boolean(flags.force), gradual: Boolean(flags.gradual) })),
    confirm: true,
    options: [
      ["--to <release>", "the release to go back to, e.g. rel-3 (see releases)"],
      ["--force", "apply the release's config even though the program changed since it"],
      ["--gradual", "step traffic back through the rollout strategy, with analysis, instead of at once"],
      MARKDOWN_OPTION,
      HTML_OPTION,
    ],
  },
  {
    name: "metrics",
    summary: "delivery metrics: deployment frequency, lead time, change failure rate, time to restore",
    handler: (ctx, flags) => commands.releases().metrics(ctx, (flags.since as string | undefined) ?? "30d"),
    options: [["--since <window>", "how far back, e.g. 30d, 12h, 2w (default 30d)"]],
  },
  {
    name: "recover",
    summary: "settle an interrupted update (stale lock, pending operations); --checkpoint puts back a kept state",
    handler: (ctx, flags) => commands.recover().recover(ctx, { checkpoint: flags.checkpoint as string | undefined }),
    confirm: true,
    options: [["--checkpoint <id>", "restore the state kept before a deploy (an id from `checkpoints`, or latest); state only"]],
  },
  { name: "checkpoints", summary: "list the state checkpoints kept before deploys; changes nothing", handler: (ctx) => commands.recover().checkpoints(ctx) },
  {
    name: "abort",
    summary: "roll back: all traffic to the stable slot, then the prior release again",
    handler: (ctx, flags) => withFiles(ctx, "abort", flags, () => commands.control().control(ctx, "abort")),
    confirm: true,
    options: [MARKDOWN_OPTION],
  },
  {
    name: "failover",
    summary: "move traffic to the standby region, gated on its analysis, then promote its data replicas",
    handler: (ctx, flags) => commands.dr().regionMove(ctx, "failover", { steps: flags.steps as string | undefined }),
    confirm: true,
    options: [["--steps <shares>", "the standby's share at each step, e.g. 50,100 (default switchyard:dr.failover.steps, at once)"]],
  },
  {
    name: "failback",
    summary: "move traffic back to the stack file's primary region; refused until it is healthy",
    handler: (ctx, flags) => commands.dr().regionMove(ctx, "failback", { steps: flags.steps as string | undefined }),
    confirm: true,
    options: [["--steps <shares>", "the primary's share at each step, e.g. 50,100"]],
  },
  {
    name: "drill",
    summary: "rehearse a failover: shift switchyard:dr.drill.share to the standby, analyse, shift back; ends as it began",
    handler: (ctx) => commands.dr().regionMove(ctx, "drill"),
    confirm: true,
  },
  {
    name: "watch",
    summary: "measure the serving region; fail over by itself after switchyard:dr.watch.failureLimit failed measurements",
    handler: (ctx, flags) => commands.watch().watch(ctx, { for: flags.for as string | undefined }),
    options: [["--for <duration>", "stop after this long without a failover, e.g. 10m (default: until stopped)"]],
  },
  {
    name: "destroy",
    summary: "remove every resource of the stack with the engine; for local, nothing keeps listening afterwards",
    handler: (ctx, flags) => commands.destroy().destroy(ctx, { force: Boolean(flags.force) }),
    confirm: true,
    confirmAlways: true,
    options: [["--force", "destroy a stack marked production (switchyard:environment: production)"]],
  },
];

/** Stacks whose changes need no confirmation: they only touch this machine. */
const UNCONFIRMED_STACKS = new Set(["local", "local-dr", "local-dev", "local-staging", "local-prod"]);

/** Built on first use: zod's load is a tenth of a second that a prestart (drift) runs ahead of. */
function flagsSchema() {
  const { z } = require("zod") as typeof import("zod");
  return z.looseObject({
    stack: z.string().regex(STACK_NAME, STACK_NAME_RULE),
    json: z.boolean().default(false),
    yes: z.boolean().default(false),
    cwd: z.string().default(PROJECT_ROOT),
  });
}

function parseFlags(raw: unknown) {
  const result = flagsSchema().safeParse(raw, { reportInput: true });
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
  const early = spec.prestart?.(rawFlags as Record<string, unknown>);
  // Let the prestart reach its engine process before the rest loads (loading is synchronous).
  if (early) await new Promise((resolve) => setImmediate(resolve));
  try {
    const flags = parseFlags(rawFlags);
    json = flags.json;
    const interactive = Boolean(process.stdin.isTTY) && !flags.yes;
    if (spec.confirm && interactive && (spec.confirmAlways || !UNCONFIRMED_STACKS.has(flags.stack))) {
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
    const result = await spec.handler(ctx, rawFlags as Record<string, unknown>, early);
    if ("report" in result) process.stdout.write(`${flags.json ? renderJson(result.report) : renderText(result.report)}\n`);
    else process.stdout.write(`${flags.json ? JSON.stringify(result.document, null, 2) : result.text}\n`);
    return result.exitCode;
  } catch (error) {
    return reportError(error, json);
  } finally {
    early?.cancel();
  }
}

export function buildCli(onExit: (code: number) => void): Command {
  const cli = new Command("switchyard")
    .description("Ship infrastructure changes without downtime, on Pulumi.")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  cli.addHelpText(
    "after",
    "\nExit codes: 0 done, 1 error (bad input, failed operation), 2 drift found, 3 rolled back, 4 paused for a person, 5 not healthy (status: degraded or down; deploy: the service does not serve as declared).",
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
  cli
    .command("dashboard")
    .description("a local web page of the stacks: what serves, rollouts live, drift, releases, DORA; pause/resume/promote/abort buttons behind this run's token")
    .option("-s, --stack <name>", "a stack to show; repeat for several (default: every stack of the project)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--port <n>", "port to listen on (0: any free one)", String(7450))
    .option("--host <address>", "address to listen on (default loopback: 127.0.0.1)", "127.0.0.1")
    .option("--read-only", "no buttons: the page only shows")
    .option("--status-every <seconds>", "how often status reads the data plane of each stack", "5")
    .option("--json", "print the address as one JSON document")
    .option("-C, --cwd <dir>", "folder with Pulumi.yaml and stacks/ (default: this project)")
    .exitOverride()
    .action(async (flags) => onExit(await runDashboard(flags)));
  const pipeline = cli.command("pipeline").description("carry one release through a pipeline's stacks in order (pipelines/<name>.yaml)").exitOverride();
  const pipelineCommands: readonly { name: string; summary: string; options?: readonly (readonly [string, string])[]; handler: (ctx: CommandContext, name: string, flags: Record<string, unknown>) => Promise<ListingResult> }[] = [
    { name: "run", summary: "release --version through every stage: deploy, soak, verify; a failed stage rolls back and stops it; takes up an unfinished run", options: [["--version <version>", "the version to carry (it goes to each stage's idle slot)"]], handler: (ctx, name, flags) => commands.pipeline().pipelineRun(ctx, name, flags.version as string | undefined) },
    { name: "status", summary: "the pipeline's last run, each stage's status, and recent promotions; changes nothing", handler: (ctx, name) => commands.pipeline().pipelineStatus(ctx, name) },
    { name: "approve", summary: "approve a stage that needs a person's approval (ahead of time too)", options: [["--stage <stack>", "the stage's stack"]], handler: (ctx, name, flags) => commands.pipeline().pipelineApprove(ctx, name, flags.stage as string | undefined) },
    { name: "abort", summary: "stop the run: the stage in progress rolls back, later stages are not touched", handler: (ctx, name) => commands.pipeline().pipelineAbort(ctx, name) },
  ];
  for (const spec of pipelineCommands) {
    const sub = pipeline.command(`${spec.name} <name>`).description(spec.summary);
    for (const [flags, description] of spec.options ?? []) sub.option(flags, description);
    sub
      .option("--json", "print one JSON document on stdout instead of text")
      .option("-y, --yes", "no prompts (implied when stdin is not a terminal)")
      .option("-C, --cwd <dir>", "folder with Pulumi.yaml, stacks/ and pipelines/ (default: this project)")
      .exitOverride()
      .action(async (name: string, flags: Record<string, unknown>) => onExit(await runPipelineCommand(spec.handler, name, flags)));
  }
  return cli;
}

async function runPipelineCommand(handler: (ctx: CommandContext, name: string, flags: Record<string, unknown>) => Promise<ListingResult>, name: string, flags: Record<string, unknown>): Promise<number> {
  const json = Boolean(flags.json);
  try {
    const ctx: CommandContext = { stack: "", json, yes: true, workDir: path.resolve((flags.cwd as string | undefined) ?? PROJECT_ROOT), progress: json ? () => {} : (line) => process.stderr.write(line) };
    const result = await handler(ctx, name, flags);
    process.stdout.write(`${json ? JSON.stringify(result.document, null, 2) : result.text}\n`);
    return result.exitCode;
  } catch (error) {
    return reportError(error, json);
  }
}

async function runDashboard(flags: Record<string, unknown>): Promise<number> {
  try {
    const { dashboardCommand } = require("./commands/dashboard") as typeof import("./commands/dashboard");
    return await dashboardCommand({ ...flags, cwd: (flags.cwd as string | undefined) ?? PROJECT_ROOT } as import("./commands/dashboard").DashboardFlags);
  } catch (error) {
    return reportError(error, Boolean(flags.json));
  }
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
