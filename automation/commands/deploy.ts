/**
 * `deploy`: decides from what runs and what the config asks whether to apply the config in one
 * update or to roll the new release out progressively, then does it, and ends by checking that
 * the service answers as declared. Exit 0 when it succeeded and serves, 3 when it rolled back,
 * 4 when analysis paused it for a person, 5 when it was applied but the service does not serve.
 */
import { ConfigError, ReleaseHeldBackError, RolloutInProgressError } from "../../model/errors";
import { ExitCode } from "../exit-codes";
import { preflight } from "../preflight";
import { checkHealthSettled, declaredHealthPath, type SettleOptions } from "../health/check";
import type { HealthAssessment } from "../health/model";
import { buildReport } from "../report/build";
import type { Report } from "../report/model";
import { progressView } from "../report/progress";
import { thresholdsOf } from "../report/timeline";
import { decide, type Running } from "../rollout/decide";
import { withAnalysisPhases } from "../../model/config/analysis-phases";
import { planOf, settingsOf } from "../../model/config/rollout";
import { isActive, newRolloutRecord, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { openRolloutSession, type RolloutSession } from "../rollout/session";
import type { StackOutputs } from "../../model/outputs";
import { heldBack, heldBackText, releaseIntentOf } from "../rollout/driver-status";
import { readLedger, releaseConfigOf } from "../releases/ledger";
import { clearPendingDeploy, markDeployStarting } from "../releases/pending-deploy";
import { saveCheckpoint } from "../recovery/checkpoints";
import { pendingOperations } from "../recovery/pending";
import { recoverStack } from "../recovery/recover";
import { deliveryMetrics, type DeliveryMetrics } from "../releases/metrics";
import { recordDeploy, type FinishedDeploy } from "../releases/releases";
import { RELEASE_KEYS } from "../../model/driver-status";
import { RevisionConflictError, type StoredDocument } from "../store/document-store";
import { readStackConfigValues } from "../stack-file";
import type { CommandContext } from "./context";
import { isMoving, REGION_MOVE_KEY, type RegionMoveRecord } from "../dr/record";
import { RegionMoveInProgressError } from "../dr/errors";
import { readRestorations } from "../dr/restorations";

export interface CommandResult {
  readonly report: Report;
  readonly exitCode: ExitCode;
}

function runningRelease(outputs: StackOutputs): Running | undefined {
  const versions = { blue: outputs.slots?.blue?.version, green: outputs.slots?.green?.version };
  if (!outputs.weights || !versions.blue || !versions.green) return undefined;
  return { weights: outputs.weights, versions: { blue: versions.blue, green: versions.green } };
}

/** The release-defining config of the last successful update, from the stack's own history. */
async function priorReleaseConfig(session: RolloutSession): Promise<Record<string, unknown>> {
  const history = await session.opened.run("reading history", (stack) => stack.history(5));
  return releaseConfigOf(history.find((update) => update.result === "succeeded" && update.kind === "update"), RELEASE_KEYS);
}

/** The window delivery metrics cover in deploy reports. */
const METRICS_WINDOW_MS = 30 * 86_400_000;

/** Records a finished deploy in the ledger and returns the delivery metrics that include it. */
async function recordAndMeasure(session: RolloutSession, finished: FinishedDeploy): Promise<DeliveryMetrics> {
  await recordDeploy(session.opened, session.store, finished);
  return deliveryMetrics(await readLedger(session.store), METRICS_WINDOW_MS, Date.now(), await readRestorations(session.store));
}

/**
 * How long a just-deployed service has to answer as declared: HAProxy marks a freshly started
 * server UP after two passing checks a second apart, and a workload needs a moment to listen.
 */
const SERVES_WITHIN: SettleOptions = { withinMs: 20_000, everyMs: 1000 };

/** Never success on a guess: the end of a deploy reads what really serves. */
async function checkServes(session: RolloutSession, outputs: StackOutputs): Promise<HealthAssessment> {
  const { config, ctx } = session;
  return checkHealthSettled({ outputs, healthPath: declaredHealthPath(config as unknown as Record<string, unknown>, config.target) }, ctx.stack, SERVES_WITHIN);
}

/** The report's one-line account of a deploy that ended with the service not serving as declared. */
function notServing(what: string, health: HealthAssessment): string {
  return `${what}, but the service is ${health.verdict}: ${health.problems.map((f) => `${f.subject}: ${f.message}`).join("; ")}`;
}

const ownerText = (record: RolloutRecord) => (record.owner ? `${record.owner.host} pid ${record.owner.pid}` : "nobody");

/** Drives a rollout record to its end (or a pause) and reports. Shared with resume and promote. */
export async function driveRollout(
  session: RolloutSession,
  doc: StoredDocument<RolloutRecord>,
  command: string,
  started: number,
  /** Runs after a successful rollout, before it is recorded (rollback: the exact release config). */
  afterSuccess?: () => Promise<void>,
): Promise<CommandResult> {
  const { ctx } = session;
  let runner: ReturnType<RolloutSession["runner"]> | undefined;
  const view = progressView({ json: ctx.json, record: () => runner?.record ?? doc.value });
  runner = session.runner(doc, (event) => view.onEvent(event));
  let outcome;
  try {
    outcome = await runner.run();
  } finally {
    view.done();
  }
  const record = runner.record;
  if (outcome === "succeeded" && afterSuccess) await afterSuccess();
  const metrics = outcome === "paused" ? undefined : await recordAndMeasure(session, {
    kind: command === "rollback" ? "rollback" : "rollout",
    outcome: outcome === "succeeded" ? "succeeded" : "rolled-back",
    startedAt: Date.parse(record.startedAt),
    deploymentId: record.id,
    restoreSeconds: record.rollbackStartedAt && record.stableRestoredAt ? (Date.parse(record.stableRestoredAt) - Date.parse(record.rollbackStartedAt)) / 1000 : undefined,
  });
  const outputs = await session.outputs();
  const health = outcome === "paused" ? undefined : await checkServes(session, outputs);
  const broken = outcome === "succeeded" && health?.verdict !== "healthy";
  const status = broken ? "failed" : outcome === "succeeded" ? "success" : outcome;
  const nextSteps =
    outcome === "paused"
      ? [`switchyard resume --stack ${ctx.stack}`, `switchyard promote --stack ${ctx.stack}`, `switchyard abort --stack ${ctx.stack}`]
      : outcome === "rolled-back"
        ? [`fix the release on ${record.canarySlot}, then deploy again`]
        : broken
          ? [`switchyard status --stack ${ctx.stack}`, `switchyard drift --stack ${ctx.stack}`]
          : [`curl ${outputs.endpoint ?? ""}/`.trim()];
  const report = buildReport({
    command,
    stack: ctx.stack,
    environment: session.config.environment,
    startedAt: started,
    status,
    message: broken ? notServing(`rollout ${record.id} completed`, health!) : record.statusReason,
    outputs,
    record,
    thresholds: thresholdsOf(session.config.analysis?.metrics),
    metrics,
    health,
    nextSteps,
  });
  const exitCode = broken ? ExitCode.NotHealthy : outcome === "succeeded" ? ExitCode.Done : outcome === "rolled-back" ? ExitCode.RolledBack : ExitCode.Paused;
  return { report, exitCode };
}

/**
 * Before a deploy touches anything: settle what an interrupted update left pending, and keep a
 * checkpoint of the state.
 */
async function prepareState(session: RolloutSession): Promise<void> {
  const { ctx } = session;
  const exportState = () => session.opened.run("exporting state", (stack) => stack.exportStack());
  let exported = await exportState();
  if (pendingOperations(exported).length > 0) {
    ctx.progress("recovery: the last update was interrupted; settling its pending operations first\n");
    const { actions } = await recoverStack(session.opened, ctx.progress, exported);
    for (const action of actions) ctx.progress(`recovery: ${action}\n`);
    exported = await exportState(); // the refresh changed it
  }
  await saveCheckpoint(exported, session.store, "deploy", session.config.recovery.checkpoints, session.opened);
}

export interface DeployFlags {
  /** Roll out again a release the stack file still asks for after it was rolled back. */
  readonly retry?: boolean;
}

export async function deploy(ctx: CommandContext, flags: DeployFlags = {}): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx);
  const existing = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
  if (existing && isActive(existing.value) && ownerAlive(existing.value.owner)) {
    throw new RolloutInProgressError(ctx.stack, existing.value.id, ownerText(existing.value));
  }
  // A regional move changes the same split's inputs: one change at a time.
  const move = (await session.store.get<RegionMoveRecord>(REGION_MOVE_KEY))?.value;
  if (move && isMoving(move)) throw new RegionMoveInProgressError(ctx.stack, move);
  const fileValues = readStackConfigValues(ctx.workDir, ctx.stack);
  const intent = releaseIntentOf(fileValues);
  const held = heldBack(existing?.value, intent);
  // Before any checkpoint or update: a refused deploy changes nothing.
  if (held && !flags.retry) throw new ReleaseHeldBackError(ctx.stack, heldBackText(held));
  await preflight(session.config, ctx.stack, ctx.workDir);
  await prepareState(session);
  if (existing && isActive(existing.value)) {
    const record = existing.value;
    if (record.status === "paused") {
      const report = buildReport({
        command: "deploy",
        stack: ctx.stack,
        environment: session.config.environment,
        startedAt: started,
        status: "paused",
        message: `rollout ${record.id} is paused: ${record.statusReason ?? ""}`,
        outputs: await session.outputs(),
        record,
        thresholds: thresholdsOf(session.config.analysis?.metrics),
        nextSteps: [`switchyard resume --stack ${ctx.stack}`, `switchyard promote --stack ${ctx.stack}`, `switchyard abort --stack ${ctx.stack}`],
      });
      return { report, exitCode: ExitCode.Paused };
    }
    ctx.progress(`resuming rollout ${record.id} at step ${record.stepIndex + 1}/${record.plan.length}: its driver (${ownerText(record)}) is gone\n`);
    return driveRollout(session, existing, "deploy", started);
  }

  const outputs = await session.outputs();
  const running = runningRelease(outputs);
  const decision = decide(running, session.config);
  if (decision.kind === "refuse") throw new ConfigError(decision.problems, `stacks/Pulumi.${ctx.stack}.yaml`);

  if (decision.kind === "apply") {
    // Marked first: a driver killed between the update and its ledger entry leaves the mark,
    // and the next command completes the entry (releases/pending-deploy.ts).
    const pending = await markDeployStarting(session.store);
    const { changes } = await session.applyAll({ refresh: true });
    const after = await session.outputs();
    const changed = Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
    const metrics = changed ? await recordAndMeasure(session, { kind: "deploy", outcome: "succeeded", startedAt: started, deploymentId: pending.id }) : undefined;
    await clearPendingDeploy(session.store);
    const health = await checkServes(session, after);
    const serves = health.verdict === "healthy";
    const report = buildReport({
      command: "deploy",
      stack: ctx.stack,
      environment: session.config.environment,
      startedAt: started,
      status: !serves ? "failed" : changed ? "success" : "no-change",
      message: serves ? decision.reason : notServing(changed ? "the update was applied" : "the update changed nothing", health),
      outputs: after,
      changes,
      metrics,
      health,
      previousVersion: running && running.weights.blue >= running.weights.green ? running.versions.blue : running?.versions.green,
      nextSteps: !serves
        ? [`switchyard status --stack ${ctx.stack}`, `switchyard drift --stack ${ctx.stack}`]
        : after.endpoint
          ? [`curl ${after.endpoint}/`, `switchyard status --stack ${ctx.stack}`]
          : [],
    });
    return { report, exitCode: serves ? ExitCode.Done : ExitCode.NotHealthy };
  }

  const { config } = session;
  const plan = withAnalysisPhases(planOf(config.rollout), config.analysis).filter((step) => step.weight >= decision.fromWeight);
  const settings = settingsOf(config.rollout);
  const record = newRolloutRecord({
    stack: ctx.stack,
    service: config.service,
    strategy: settings.strategy,
    stableSlot: decision.stable,
    canarySlot: decision.canary,
    stableVersion: running!.versions[decision.stable],
    canaryVersion: config.slots[decision.canary].version,
    plan,
    weights: running!.weights,
    priorConfig: { ...(await priorReleaseConfig(session)) },
    // What this rollout applies, whatever a checkout's file says while it runs; the weights stay
    // where they run now until it moves them, and a slot scaled down earlier comes back first.
    intent: { ...intent },
    scaleDownAfterSeconds: settings.strategy === "blue-green" ? settings.scaleDownDelaySeconds : undefined,
  });
  if (Object.keys(record.priorConfig).length === 0) {
    // No history with config (a stack deployed by other means): fall back to what runs.
    const slots = (fileValues.slots ?? {}) as Record<string, object>;
    Object.assign(record.priorConfig, { slots: { ...slots, [decision.canary]: { ...slots[decision.canary], version: running!.versions[decision.canary] } }, traffic: running!.weights });
  }
  // From here on a second deploy finds the record and stops at once.
  let doc: StoredDocument<RolloutRecord>;
  try {
    doc = await session.store.put(ROLLOUT_KEY, record, existing?.revision ?? 0);
  } catch (error) {
    // Another driver started at the same moment and wrote first: name it.
    if (!(error instanceof RevisionConflictError)) throw error;
    const winner = (await session.store.get<RolloutRecord>(ROLLOUT_KEY))?.value;
    if (winner && isActive(winner)) throw new RolloutInProgressError(ctx.stack, winner.id, ownerText(winner));
    throw error;
  }
  return driveRollout(session, doc, "deploy", started);
}
