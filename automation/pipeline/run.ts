/**
 * The thin loop around the pipeline's decisions (machine.ts): reads the record, asks what to do
 * next, does it through the injected deps (edit a stack file, deploy a stack, soak, verify, roll
 * a stage back), and saves the pure transition of the freshest record with compare-and-swap, so
 * that an approval or an abort written meanwhile by another terminal is never lost.
 */
import type { PipelineConfig } from "../../model/config/pipeline";
import type { AnalysisRun } from "../analysis/types";
import { RevisionConflictError, type DocumentStore, type StoredDocument } from "../store/document-store";
import { abortedBetweenStages, deploying, failed, nextAction, passed, promoting, promotionOf, soaking, verifying, waiting } from "./machine";
import { promotedIntent, readIntent, sameIntent, writeIntent } from "./intent";
import { PIPELINE_RUN_KEY, recordPromotion as recordPromotionIn, type PipelineRun, type PromotionRecord, type StackIntent } from "./record";

export type StageDeployResult =
  | { readonly kind: "succeeded"; readonly deploymentId?: string }
  /** The stage's rollout rolled itself back (analysis failed, or aborted): traffic is on the prior release. */
  | { readonly kind: "rolled-back"; readonly reason: string }
  /** Applied, but the stage does not serve as declared. */
  | { readonly kind: "not-serving"; readonly reason: string }
  /** The rollout paused for a person (analysis inconclusive). */
  | { readonly kind: "paused"; readonly reason: string };

export interface PipelineDeps {
  readonly workDir: string;
  readonly store: DocumentStore;
  readonly config: PipelineConfig;
  readonly progress: (line: string) => void;
  /** `switchyard deploy` of the stage's stack, as its file now asks. */
  readonly deployStage: (stack: string) => Promise<StageDeployResult>;
  /** `switchyard rollback` of the stage's stack: the release before the current one again. */
  readonly rollbackStage: (stack: string) => Promise<void>;
  /** Whether the stage serves healthily now (`status`'s verdict), and why not. */
  readonly checkStage: (stack: string) => Promise<{ readonly healthy: boolean; readonly reason?: string }>;
  /** The stage's verification metrics, measured against its endpoint. */
  readonly verifyStage: (stack: string, index: number) => Promise<AnalysisRun>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often a waiting driver looks at the record again (approval, abort). */
  readonly pollMs?: number;
}

/** How often the driver renews its heartbeat (another machine takes it for dead after 30 s). */
const HEARTBEAT_MS = 10_000;
/** How often a soak asks whether the stage still serves. */
const SOAK_CHECK_MS = 2_000;

export type PipelineOutcome = { readonly run: PipelineRun; readonly stopped?: "waiting" };

export async function drivePipeline(initial: StoredDocument<PipelineRun>, deps: PipelineDeps): Promise<PipelineOutcome> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { store, config } = deps;
  let doc = initial;

  /** Applies a pure transition to the freshest record: a write from another terminal is kept. */
  const update = async (change: (run: PipelineRun) => PipelineRun): Promise<PipelineRun> => {
    for (let attempt = 0; ; attempt++) {
      const next = change(doc.value);
      if (next === doc.value) return next;
      try {
        doc = await store.put(PIPELINE_RUN_KEY, next, doc.revision);
        return doc.value;
      } catch (error) {
        if (!(error instanceof RevisionConflictError) || attempt > 20) throw error;
        doc = (await store.get<PipelineRun>(PIPELINE_RUN_KEY))!;
      }
    }
  };
  const reload = async () => {
    doc = (await store.get<PipelineRun>(PIPELINE_RUN_KEY)) ?? doc;
    return doc.value;
  };
  const recordPromotion = (promotion: PromotionRecord) => recordPromotionIn(store, promotion);
  const restoreIntent = (stack: string, prior: StackIntent | undefined) => {
    if (!prior) return;
    if (!sameIntent(readIntent(deps.workDir, stack), prior)) {
      writeIntent(deps.workDir, stack, prior);
      deps.progress(`[${stack}] stack file put back to what it asked for before: ${prior.active} active, blue ${prior.versions.blue ?? "?"} / green ${prior.versions.green ?? "?"}\n`);
    }
  };
  /** A stage that fails after its rollout succeeded: the prior release again, the file as it was. */
  const failStage = async (index: number, reason: string, options: { rollBack: boolean; outcome?: "failed" | "aborted"; verification?: AnalysisRun }) => {
    const stage = doc.value.stages[index]!;
    if (options.rollBack && stage.promotedSlot) {
      deps.progress(`[${stage.stack}] rolling the stage back: ${reason}\n`);
      await deps.rollbackStage(stage.stack);
    }
    restoreIntent(stage.stack, stage.priorIntent);
    const run = await update((r) => failed(r, index, reason, now(), options.outcome ?? "failed", options.verification));
    await recordPromotion(promotionOf(run, index, options.outcome === "aborted" ? "aborted" : "failed", now()));
    return run;
  };

  const beat = setInterval(() => {
    const owner = doc.value.owner;
    if (owner) void update((r) => (r.owner ? { ...r, owner: { ...r.owner, heartbeatAt: new Date(now()).toISOString() } } : r)).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();
  let announced = "";
  const sayOnce = (line: string) => {
    if (line !== announced) deps.progress(line);
    announced = line;
  };

  try {
    for (;;) {
      const run = await reload();
      const action = nextAction(run, config, now());
      const stackOf = (index: number) => run.stages[index]!.stack;
      switch (action.kind) {
        case "finished":
          return { run };
        case "succeed":
          return { run: await update((r) => ({ ...r, status: "succeeded", finishedAt: new Date(now()).toISOString(), owner: undefined })) };
        case "abort": {
          const index = run.stageIndex;
          const state = run.stages[index];
          const by = run.request?.by ?? "someone";
          if (!state || state.status === "pending") return { run: await update((r) => abortedBetweenStages(r, by, now())) };
          return { run: await failStage(index, `aborted by ${by}`, { rollBack: state.status === "soaking" || state.status === "verifying", outcome: "aborted" }) };
        }
        case "frozen": {
          const reason = `stage ${stackOf(action.stage)} is frozen until ${new Date(action.until).toISOString()}${action.reason ? ` (${action.reason})` : ""}: run the pipeline again after it`;
          deps.progress(`${reason}\n`);
          return { run: await update((r) => ({ ...waiting(r, "frozen", reason, now()), owner: undefined })), stopped: "waiting" };
        }
        case "await-approval": {
          const reason = `stage ${stackOf(action.stage)} waits for approval: switchyard pipeline approve ${run.pipeline} --stage ${stackOf(action.stage)}`;
          sayOnce(`${reason}\n`);
          await update((r) => waiting(r, "waiting-approval", reason, now()));
          await sleep(deps.pollMs ?? 1000);
          continue;
        }
        case "promote": {
          const stack = stackOf(action.stage);
          const state = run.stages[action.stage]!;
          // The record first: a driver killed after the file is written knows what the file asked for before.
          const prior = state.priorIntent ?? readIntent(deps.workDir, stack);
          const { intent, slot } = promotedIntent(prior, run.version);
          if (state.status === "pending") await update((r) => promoting(r, action.stage, prior, slot, now()));
          if (slot) {
            writeIntent(deps.workDir, stack, intent);
            deps.progress(`[${stack}] promoted: ${slot} runs ${run.version} and is active (stacks/Pulumi.${stack}.yaml)\n`);
          } else {
            deps.progress(`[${stack}] already serves ${run.version}\n`);
          }
          await update((r) => deploying(r, action.stage, now()));
          continue;
        }
        case "deploy": {
          const stack = stackOf(action.stage);
          const result = await deps.deployStage(stack);
          const aborted = (await reload()).request?.action === "abort";
          if (result.kind === "succeeded") {
            await update((r) => soaking(r, action.stage, result.deploymentId, now()));
            continue;
          }
          if (result.kind === "paused") {
            const reason = `stage ${stack}'s rollout paused for a person (${result.reason}): resume, promote or abort it (switchyard resume --stack ${stack}), then run the pipeline again`;
            deps.progress(`${reason}\n`);
            return { run: await update((r) => ({ ...r, status: "paused", reason, owner: undefined, updatedAt: new Date(now()).toISOString() })), stopped: "waiting" };
          }
          // Rolled back by its own rollout: traffic is already on the prior release.
          return { run: await failStage(action.stage, result.reason, { rollBack: result.kind === "not-serving", outcome: aborted ? "aborted" : "failed" }) };
        }
        case "soak": {
          const stack = stackOf(action.stage);
          sayOnce(`[${stack}] soaking until ${new Date(action.until).toISOString()}\n`);
          const health = await deps.checkStage(stack);
          if (!health.healthy) return { run: await failStage(action.stage, `stopped serving while soaking: ${health.reason ?? "not healthy"}`, { rollBack: true }) };
          await sleep(Math.min(SOAK_CHECK_MS, Math.max(0, action.until - now())));
          continue;
        }
        case "verify": {
          const stack = stackOf(action.stage);
          // The soak ends with the stage serving, also when a resumed run finds its soak over.
          if (run.stages[action.stage]!.status === "soaking") {
            const health = await deps.checkStage(stack);
            if (!health.healthy) return { run: await failStage(action.stage, `not serving at the end of its soak: ${health.reason ?? "not healthy"}`, { rollBack: true }) };
          }
          await update((r) => verifying(r, action.stage, now()));
          deps.progress(`[${stack}] verifying ${run.version}\n`);
          const verification = await deps.verifyStage(stack, action.stage);
          if (verification.phase !== "Successful") {
            const why = verification.metrics.filter((m) => m.phase !== "Successful").map((m) => `${m.name} ${m.phase}: ${m.message}`).join("; ");
            return { run: await failStage(action.stage, `verification ${verification.phase}: ${why}`, { rollBack: true, verification }) };
          }
          const after = await update((r) => passed(r, action.stage, verification, now()));
          await recordPromotion(promotionOf(after, action.stage, "verified", now()));
          deps.progress(`[${stack}] verified ${run.version}\n`);
          continue;
        }
        case "pass": {
          const health = await deps.checkStage(stackOf(action.stage));
          if (!health.healthy) return { run: await failStage(action.stage, `not serving at the end of its soak: ${health.reason ?? "not healthy"}`, { rollBack: true }) };
          const after = await update((r) => passed(r, action.stage, undefined, now()));
          await recordPromotion(promotionOf(after, action.stage, "verified", now()));
          deps.progress(`[${stackOf(action.stage)}] verified ${run.version}\n`);
          continue;
        }
      }
    }
  } finally {
    clearInterval(beat);
  }
}
