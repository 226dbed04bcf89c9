/**
 * `pipeline run NAME --version V`, `pipeline status NAME`, `pipeline approve NAME --stage S`,
 * `pipeline abort NAME`: one release through the pipeline's stacks in order (see
 * model/config/pipeline.ts). Each stage is a normal Switchyard release of its stack (deploy, with
 * the stack's own strategy and analysis), then its soak and verification; only a verified release
 * reaches the next stage. A run whose driver died is taken up by the next `run` or `approve`.
 */
import { userInfo } from "node:os";
import { loadPipeline, type PipelineConfig } from "../../model/config/pipeline";
import { ConfigError, SwitchyardError } from "../../model/errors";
import { otherSlot, allOn, SLOTS, type Slot } from "../../model/weights";
import { readIntent } from "../pipeline/intent";
import { listReleases } from "../releases/releases";
import { openDocumentStore } from "../store/open-store";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";
import type { AnalysisRun } from "../analysis/types";
import { ExitCode } from "../exit-codes";
import { approve as approveStage, ApprovalError } from "../pipeline/machine";
import { isRunActive, newPipelineRun, openPipelineStore, PIPELINE_RUN_KEY, readPromotions, type PipelineRun, type PromotionRecord } from "../pipeline/record";
import { drivePipeline, type PipelineDeps, type StageDeployResult } from "../pipeline/run";
import { ownerAlive, ownerHere } from "../rollout/record";
import type { DocumentStore, StoredDocument } from "../store/document-store";
import type { CommandContext } from "./context";
import type { ListingResult } from "./releases";

export class PipelineError extends SwitchyardError {}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const POLL_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const who = () => process.env.SWITCHYARD_USER ?? userInfo().username;

/** What `--json` prints: the run, each stage with its stack and status, and recent promotions. */
export function pipelineDocument(name: string, run: PipelineRun | undefined, promotions: readonly PromotionRecord[] = []) {
  return {
    pipeline: name,
    run: run?.id,
    version: run?.version,
    status: run?.status ?? "never-run",
    reason: run?.reason,
    started_by: run?.startedBy,
    started_at: run?.startedAt,
    finished_at: run?.finishedAt,
    driver: run?.owner ? `${run.owner.host} pid ${run.owner.pid}` : undefined,
    stages: (run?.stages ?? []).map((stage) => ({
      stack: stage.stack,
      status: stage.status,
      reason: stage.reason,
      deployment_id: stage.deploymentId,
      promoted_slot: stage.promotedSlot,
      approved_by: stage.approvedBy,
      approved_at: stage.approvedAt,
      verification: stage.verification?.phase,
      started_at: stage.startedAt,
      finished_at: stage.finishedAt,
    })),
    promotions,
  };
}

function pipelineText(name: string, run: PipelineRun | undefined): string {
  if (!run) return `pipeline ${name}: never run`;
  const lines = [`pipeline ${name} run ${run.id}: ${run.status}, version ${run.version}${run.reason ? ` — ${run.reason}` : ""}`];
  run.stages.forEach((stage, i) => {
    const extra = [stage.deploymentId ? `rollout ${stage.deploymentId}` : "", stage.approvedBy ? `approved by ${stage.approvedBy}` : "", stage.verification ? `verification ${stage.verification.phase}` : "", stage.reason ?? ""].filter(Boolean).join("; ");
    lines.push(`  ${i + 1}. ${stage.stack.padEnd(16)} ${stage.status}${extra ? `  (${extra})` : ""}`);
  });
  return lines.join("\n");
}

const exitCodeOf = (run: PipelineRun, stopped?: "waiting"): ExitCode =>
  run.status === "succeeded" ? ExitCode.Done : run.status === "failed" || run.status === "aborted" ? ExitCode.RolledBack : stopped === "waiting" ? ExitCode.Paused : ExitCode.Done;

/** Each effect of a stage is the command a person would run, in this process. */
function stageDeps(workDir: string, config: PipelineConfig, store: DocumentStore, progress: (line: string) => void): PipelineDeps {
  // Every line of a stage's own output names the stage.
  const ctxOf = (stack: string): CommandContext => ({ stack, json: false, yes: true, workDir, progress: (text) => progress(text.replace(/^(?=.)/gm, `[${stack}] `)) });
  return {
    workDir,
    store,
    config,
    progress,
    deployStage: async (stack): Promise<StageDeployResult> => {
      const { deploy } = require("./deploy") as typeof import("./deploy");
      const { report, exitCode } = await deploy(ctxOf(stack));
      const reason = report.summary.message ?? report.rollback.automatic_triggers.join("; ") ?? report.summary.status;
      if (exitCode === ExitCode.Done) return { kind: "succeeded", deploymentId: report.summary.deployment_id };
      if (exitCode === ExitCode.RolledBack) return { kind: "rolled-back", reason: `rolled back: ${reason}` };
      if (exitCode === ExitCode.Paused) return { kind: "paused", reason };
      return { kind: "not-serving", reason: `deployed but not serving: ${reason}` };
    },
    rollbackStage: async (stack) => {
      const { rollback } = require("./rollback") as typeof import("./rollback");
      // The stage was just deployed with this checkout's program: going back means the prior
      // release's config under the same program (a release made by an older program is no reason to stop).
      const { report, exitCode } = await rollback(ctxOf(stack), { force: true });
      if (exitCode !== ExitCode.Done) throw new PipelineError(`the rollback of stage ${stack} ended ${report.summary.status}: ${report.summary.message ?? ""}`, `look at switchyard status --stack ${stack}`);
    },
    checkStage: async (stack) => {
      const { status } = require("./status") as typeof import("./status");
      const { report } = await status(ctxOf(stack));
      const health = report.health;
      return { healthy: health?.verdict === "healthy", reason: health?.problems.map((p) => `${p.subject}: ${p.message}`).join("; ") };
    },
    verifyStage: async (stack, index): Promise<AnalysisRun> => {
      const { openRolloutSession } = require("../rollout/session") as typeof import("../rollout/session");
      const { runAnalysis } = require("../analysis/run") as typeof import("../analysis/run");
      const session = await openRolloutSession(ctxOf(stack), { mustExist: true });
      const out = await session.outputs();
      const serving: Slot = out.weights?.green === 100 ? "green" : "blue";
      return runAnalysis(config.stages[index]!.verify!.metrics, {
        stack,
        service: session.config.service,
        canarySlot: serving,
        stableSlot: otherSlot(serving),
        weights: allOn(serving),
        endpoint: out.endpoint,
        // A stage is verified where its users reach it: http metrics without a url probe the
        // stage's endpoint (through its traffic split), not a slot's own address.
        slotEndpoints: { blue: out.endpoint, green: out.endpoint },
        haproxy: out.trafficSocket && out.trafficBackend ? { socketPath: out.trafficSocket, backend: out.trafficBackend } : undefined,
      });
    },
  };
}

interface Opened {
  readonly config: PipelineConfig;
  readonly store: DocumentStore;
  readonly stored?: StoredDocument<PipelineRun>;
}

async function open(workDir: string, name: string): Promise<Opened> {
  const config = loadPipeline(workDir, name);
  const store = openPipelineStore(name);
  return { config, store, stored: await store.get<PipelineRun>(PIPELINE_RUN_KEY) };
}

async function result(name: string, store: DocumentStore, run: PipelineRun, stopped?: "waiting"): Promise<ListingResult> {
  return { document: pipelineDocument(name, run, ((await readPromotions(store)).slice(-30)).slice(-run.stages.length)), text: pipelineText(name, run), exitCode: exitCodeOf(run, stopped) };
}

/** Becomes the run's driver (compare-and-swap on the record) and drives it to its end or its next wait. */
async function takeOverAndDrive(ctx: CommandContext, name: string, opened: Opened, stored: StoredDocument<PipelineRun>): Promise<ListingResult> {
  const taken: PipelineRun = { ...stored.value, owner: ownerHere(), status: stored.value.status === "waiting-approval" ? "waiting-approval" : "running" };
  const doc = await opened.store.put(PIPELINE_RUN_KEY, taken, stored.revision);
  const { run, stopped } = await drivePipeline(doc, stageDeps(ctx.workDir, opened.config, opened.store, ctx.progress));
  return result(name, opened.store, run, stopped);
}

const intentWords = (intent: { active?: string; versions: Readonly<Record<string, string | undefined>> }) => `active ${intent.active ?? "none"} (blue ${intent.versions.blue ?? "?"} / green ${intent.versions.green ?? "?"})`;

/**
 * Before a run starts: every stage's stack file must ask for what the stage runs (its last
 * release). A file edited by hand, or a promotion not committed back, would make the promotion
 * start from a release that does not run (a serving slot's version changed in place, say).
 */
async function checkStagesInStep(workDir: string, name: string, config: PipelineConfig): Promise<void> {
  const problems = [];
  for (const stage of config.stages) {
    const last = (await listReleases(openDocumentStore(engineBackendUrl(), PROJECT_NAME, stage.stack))).at(-1);
    // Never deployed: its first deploy creates it from the file.
    if (!last) continue;
    const file = readIntent(workDir, stage.stack);
    const running = { active: last.activeSlot, versions: last.versions };
    if (file.active !== running.active || SLOTS.some((slot) => file.versions[slot] !== running.versions[slot])) {
      problems.push({
        path: `stacks/Pulumi.${stage.stack}.yaml`,
        message: `asks for ${intentWords(file)}, but the stage runs ${intentWords(running)} (${last.id})`,
        fix: `make the file ask for what runs (commit or restore the last promotion), or deploy the stack (switchyard deploy --stack ${stage.stack}) first`,
      });
    }
  }
  if (problems.length) throw new ConfigError(problems, `pipeline ${name}: nothing was changed`);
}

const driverOf = (run: PipelineRun) => (run.owner ? `${run.owner.host} pid ${run.owner.pid}` : "no driver");

export async function pipelineRun(ctx: CommandContext, name: string, version: string | undefined): Promise<ListingResult> {
  if (!version || !VERSION.test(version)) {
    throw new ConfigError([{ path: "--version", message: "must be the version to carry through the pipeline: letters, digits, '.', '_', '+', '-'", value: JSON.stringify(version ?? null), fix: "e.g. --version 1.2.0" }], "command line");
  }
  const opened = await open(ctx.workDir, name);
  const { store, stored, config } = opened;
  const current = stored?.value;
  if (isRunActive(current)) {
    if (ownerAlive(current.owner)) throw new PipelineError(`pipeline ${name} run ${current.id} (version ${current.version}) is in progress, driven by ${driverOf(current)}`, `wait for it, see switchyard pipeline status ${name}, or switchyard pipeline abort ${name}`);
    if (current.version !== version) {
      throw new PipelineError(`pipeline ${name} has an unfinished run ${current.id} of version ${current.version} (${current.status}${current.reason ? `: ${current.reason}` : ""})`, `finish it with switchyard pipeline run ${name} --version ${current.version}, or end it with switchyard pipeline abort ${name}`);
    }
    ctx.progress(`taking up run ${current.id} of version ${version} where it stopped (stage ${Math.min(current.stageIndex + 1, current.stages.length)}/${current.stages.length})\n`);
    return takeOverAndDrive(ctx, name, opened, stored!);
  }
  await checkStagesInStep(ctx.workDir, name, config);
  const run = newPipelineRun(name, version, config.stages.map((s) => s.stack), who());
  const doc = await store.put(PIPELINE_RUN_KEY, run, stored?.revision ?? 0);
  ctx.progress(`pipeline ${name} run ${run.id}: version ${version} through ${run.stages.map((s) => s.stack).join(" -> ")}\n`);
  const outcome = await drivePipeline(doc, stageDeps(ctx.workDir, config, store, ctx.progress));
  return result(name, store, outcome.run, outcome.stopped);
}

export async function pipelineStatus(ctx: CommandContext, name: string): Promise<ListingResult> {
  const { store, stored } = await open(ctx.workDir, name);
  const run = stored?.value;
  const text = run && isRunActive(run) && !ownerAlive(run.owner) && run.status === "running" ? `${pipelineText(name, run)}\n  no driver is running: switchyard pipeline run ${name} --version ${run.version} takes it up` : pipelineText(name, run);
  return { document: pipelineDocument(name, run, (await readPromotions(store)).slice(-30)), text, exitCode: ExitCode.Done };
}

export async function pipelineApprove(ctx: CommandContext, name: string, stage: string | undefined): Promise<ListingResult> {
  if (!stage) throw new ConfigError([{ path: "--stage", message: "must name the stage's stack", fix: `e.g. switchyard pipeline approve ${name} --stage local-prod` }], "command line");
  const opened = await open(ctx.workDir, name);
  let stored = opened.stored;
  for (;;) {
    if (!stored || !isRunActive(stored.value)) throw new PipelineError(`pipeline ${name} has no run in progress to approve`, `start one with switchyard pipeline run ${name} --version V`);
    let approved: PipelineRun;
    try {
      approved = approveStage(stored.value, stage, who(), Date.now());
    } catch (error) {
      if (error instanceof ApprovalError) throw new ConfigError([{ path: "--stage", message: error.message, value: JSON.stringify(stage), fix: `see switchyard pipeline status ${name}` }], "command line");
      throw error;
    }
    try {
      stored = await opened.store.put(PIPELINE_RUN_KEY, approved, stored.revision);
      break;
    } catch {
      stored = await opened.store.get<PipelineRun>(PIPELINE_RUN_KEY);
    }
  }
  ctx.progress(`stage ${stage} of run ${stored.value.id} approved by ${who()}\n`);
  if (ownerAlive(stored.value.owner)) return result(name, opened.store, stored.value);
  // No driver waits for it: this command drives on, as `run` would.
  return takeOverAndDrive(ctx, name, opened, stored);
}

export async function pipelineAbort(ctx: CommandContext, name: string): Promise<ListingResult> {
  const opened = await open(ctx.workDir, name);
  let stored = opened.stored;
  if (!stored || !isRunActive(stored.value)) throw new PipelineError(`pipeline ${name} has no run in progress to abort`, `see switchyard pipeline status ${name}`);
  const request = { action: "abort" as const, by: who(), at: new Date().toISOString() };
  for (;;) {
    try {
      stored = await opened.store.put(PIPELINE_RUN_KEY, { ...stored!.value, request }, stored!.revision);
      break;
    } catch {
      stored = await opened.store.get<PipelineRun>(PIPELINE_RUN_KEY);
      if (!stored || !isRunActive(stored.value)) throw new PipelineError(`pipeline ${name}'s run ended meanwhile`, `see switchyard pipeline status ${name}`);
    }
  }
  const run = stored.value;
  if (!ownerAlive(run.owner)) return takeOverAndDrive(ctx, name, opened, stored);
  // The driver may be inside a stage's rollout: abort that too; its driver rolls it back and the pipeline ends.
  const stage = run.stages[run.stageIndex];
  if (stage?.status === "deploying") {
    const { control } = require("./control") as typeof import("./control");
    await control({ ...ctx, stack: stage.stack }, "abort").catch((error: Error) => ctx.progress(`the stage's rollout could not be aborted: ${error.message}\n`));
  }
  ctx.progress(`asked the pipeline's driver (${driverOf(run)}) to abort\n`);
  for (;;) {
    await sleep(POLL_MS);
    const fresh = (await opened.store.get<PipelineRun>(PIPELINE_RUN_KEY))!;
    if (!isRunActive(fresh.value)) return result(name, opened.store, fresh.value);
    if (!ownerAlive(fresh.value.owner)) return takeOverAndDrive(ctx, name, opened, fresh);
  }
}
