/**
 * `drift`: has the cloud moved away from state (refresh preview), and have code or config
 * (preview)? Each change is classified drift, pending-change, rollout or ignored. Exit 0 when
 * nothing drifted, 2 when something did. `--fix revert|accept` remediates after confirmation.
 */
import { effectiveWeights } from "../../model/driver-status";
import { deferredSwitchyardProgram } from "../../stacks/deferred-program";
import { checkDrift } from "../drift/check";
import { classify } from "../drift/classify";
import { AFTER_REPAIR, CHECK, endpointObservation, ENDPOINT_TYPE, type ProbePatience } from "../drift/endpoint";
import { utcDay } from "../drift/ignore";
import { readInventory, recreateTargets, type Inventory } from "../drift/inventory";
import { EarlyDriftQuestions } from "../drift/early-start";
import { loadDriftStackConfig } from "../drift/config";
import { accept, FIX_MODES, revert, type FixMode, type FixOutcome } from "../drift/fix";
import type { DriftReport, DriftStatus, Observation, Question } from "../drift/model";
import { writeReportFiles } from "../drift/outputs";
import { prepareReportFile } from "../report/files";
import { askYesNo } from "../drift/prompt";
import { buildDriftReport } from "../drift/report";
import { rolloutContext } from "../drift/rollout-context";
import { buildTimeline, thresholdsOf } from "../report/timeline";
import { ConfigError, RolloutInProgressError } from "../../model/errors";
import type { ExitCode } from "../exit-codes";
import { renderDriftText } from "../drift/render-text";
import type { ListingResult } from "./releases";
import { readStackOutputs } from "../report/outputs";
import { isActive, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { UnsupportedBackendError, type DocumentStore } from "../store/document-store";
import { openDocumentStore } from "../store/open-store";
import { saveLastDriftReport } from "../drift/last-report";
import { engineBackendUrl, openStack, PROJECT_NAME } from "../workspace";
import type { CommandContext } from "./context";

export interface DriftFlags {
  /** `revert` or `accept`. */
  readonly fix?: string;
  /** Write the Markdown report here (PR comment, CI step summary). */
  readonly markdown?: string;
  /** Write JUnit XML here: one case per resource, drifted ones failed. */
  readonly junit?: string;
  /** Ask one question only: `cloud` (refresh preview) or `code` (preview). */
  readonly only?: string;
  /** Asks before a fix; the terminal by default. Tests inject an answer. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** The clock for ignore-rule expiry. */
  readonly now?: Date;
  /** The engine questions, asked while the command line was still being read (early-start.ts). */
  readonly early?: EarlyDriftQuestions;
}

export interface DriftResult {
  readonly report: DriftReport;
  readonly exitCode: ExitCode;
}

function fixMode(value: unknown): FixMode | undefined {
  if (value === undefined || value === false) return undefined;
  if (FIX_MODES.includes(value as FixMode)) return value as FixMode;
  throw new ConfigError([{ path: "--fix", message: `must be ${FIX_MODES.join(" or ")}`, value: JSON.stringify(value), fix: "use --fix revert (cloud back to code) or --fix accept (state takes the cloud's values)" }], "command line");
}

const QUESTIONS: readonly Question[] = ["cloud", "code"];

function questionsOf(only: unknown): readonly Question[] {
  if (only === undefined || only === false) return QUESTIONS;
  if (QUESTIONS.includes(only as Question)) return [only as Question];
  throw new ConfigError([{ path: "--only", message: "must be cloud or code", value: JSON.stringify(only), fix: "use --only cloud (has the cloud moved from state?) or --only code (have code or config?), or leave it out for both" }], "command line");
}

/** The rollout record and the last deploy's inventory, when the backend can hold them (and its store, to keep the report in); drift works on every backend. */
async function readRecords(stack: string): Promise<{ store?: DocumentStore; record?: RolloutRecord; inventory?: Inventory }> {
  try {
    const store = openDocumentStore(engineBackendUrl(), PROJECT_NAME, stack);
    const [record, inventory] = await Promise.all([store.get<RolloutRecord>(ROLLOUT_KEY), readInventory(store)]);
    return { store, record: record?.value, inventory };
  } catch (error) {
    if (error instanceof UnsupportedBackendError) return {};
    throw error;
  }
}

/** Keeps the report as the stack's last (the dashboard shows it); a backend that cannot hold records has no store here; a failure is said. */
async function keepReport(ctx: CommandContext, store: DocumentStore | undefined, report: DriftReport): Promise<void> {
  if (!store) return;
  try {
    await saveLastDriftReport(store, report);
  } catch (error) {
    ctx.progress(`warning: the report could not be kept in the backend for the dashboard: ${(error as Error).message}\n`);
  }
}

/** The declared endpoint's answer; the outputs are read beside the engine's questions. */
async function askEndpoint(outputs: Promise<Record<string, unknown>>, patience: ProbePatience = CHECK): Promise<Observation | undefined> {
  const endpoint = (await outputs).endpoint;
  return endpointObservation(typeof endpoint === "string" ? endpoint : undefined, patience);
}

export async function drift(ctx: CommandContext, flags: DriftFlags = {}): Promise<DriftResult> {
  const started = Date.now();
  const mode = fixMode(flags.fix);
  const questions = questionsOf(flags.only);
  // A fix acts on drift in the cloud: it needs the cloud question answered.
  if (mode && !questions.includes("cloud")) {
    throw new ConfigError([{ path: "--only", message: "--fix needs the cloud question", value: JSON.stringify(flags.only), fix: "drop --only code when using --fix" }], "command line");
  }
  // A report file that cannot be written is found out before the engine is asked anything.
  if (flags.markdown) prepareReportFile("--markdown", flags.markdown);
  if (flags.junit) prepareReportFile("--junit", flags.junit);
  const { config, drift: driftConfig } = loadDriftStackConfig(ctx.stack, ctx.workDir);
  // Every engine call of a check runs direct, so the stack is never selected unless a fix runs.
  const early = flags.early?.for(ctx.stack, ctx.workDir);
  const opened = await (early?.opened ?? openStack({ stackName: ctx.stack, workDir: ctx.workDir, mustExist: true, deferSelect: true }, deferredSwitchyardProgram));
  const { store, record, inventory } = await readRecords(ctx.stack);
  const needsOutputs = driftConfig.checkEndpoint || isActive(record) || mode === "accept";
  const reading = needsOutputs ? readStackOutputs(opened) : Promise.resolve({} as Record<string, unknown>);
  const endpoint = driftConfig.checkEndpoint ? askEndpoint(reading) : undefined;
  // The traffic resources' URNs matter only to a rollout in progress and to `--fix accept`.
  const outputs = isActive(record) || mode === "accept" ? await reading : {};
  const trafficUrns = Array.isArray(outputs.trafficUrns) ? (outputs.trafficUrns as string[]) : [];
  const rollout = rolloutContext(record, trafficUrns);
  const checked = await checkDrift(opened, { questions, asked: early?.answers, rules: driftConfig.ignore, rollout, now: flags.now, progress: ctx.progress, inventory, endpoint });
  const { resources } = checked;
  let items = checked.items;

  let outcome: FixOutcome | undefined;
  let status: DriftStatus | undefined;
  if (mode && items.some((item) => item.class === "drift")) {
    // A live driver moves the same resources; a fix now would race it.
    if (record && isActive(record) && ownerAlive(record.owner)) throw new RolloutInProgressError(ctx.stack, record.id, `${record.owner!.host} pid ${record.owner!.pid}`);
    const deps = { opened, yes: ctx.yes, progress: ctx.progress, confirm: flags.confirm ?? askYesNo, lostParents: recreateTargets(inventory) };
    outcome =
      mode === "revert"
        ? await revert(items, deps)
        : await accept(items, deps, { declaredTraffic: effectiveWeights(config, await opened.driverStatus()), active: config.active, trafficUrns });
    // Drift that no engine target can fix (only the endpoint fails) stays drift.
    const nothingToFix = outcome.view.targets.length === 0;
    status = nothingToFix ? "drift" : outcome.confirmed ? (mode === "revert" ? "reverted" : "accepted") : "cancelled";
    if (status === "reverted" && driftConfig.checkEndpoint) {
      // Reverted resources are not yet a serving service: ask the data plane again.
      const still = await askEndpoint(readStackOutputs(opened), AFTER_REPAIR);
      if (still) {
        items = [...items.filter((item) => item.type !== ENDPOINT_TYPE), ...classify([still], { rules: driftConfig.ignore, today: utcDay(flags.now ?? new Date()) })];
        if (items.some((item) => item.type === ENDPOINT_TYPE && item.class === "drift")) status = "drift";
      }
    }
  } else if (mode) {
    outcome = { view: { mode, applied: false, targets: [], follow_up: [`nothing drifted: nothing to ${mode}`] }, confirmed: true };
  }
  const timeline = rollout && record ? buildTimeline(record, { thresholds: thresholdsOf(config.analysis?.metrics) }) : undefined;
  const report = buildDriftReport({ stack: ctx.stack, startedAt: started, items, resources, questions, rollout, timeline, fix: outcome?.view, status });
  writeReportFiles(report, { markdown: flags.markdown, junit: flags.junit });
  await keepReport(ctx, store, report);
  return { report, exitCode: report.summary.exit_code as ExitCode };
}

/** `drift` as the CLI runs it: the report as a document (--json) or as the table. */
export async function driftCommand(ctx: CommandContext, flags: Readonly<Record<string, unknown>>, early?: unknown): Promise<ListingResult> {
  const text = (key: string) => (typeof flags[key] === "string" ? (flags[key] as string) : undefined);
  const { report, exitCode } = await drift(ctx, { fix: text("fix"), markdown: text("markdown"), junit: text("junit"), only: text("only"), early: early instanceof EarlyDriftQuestions ? early : undefined });
  return { document: report, text: renderDriftText(report), exitCode };
}
