/**
 * A pipeline run's record, kept in the state backend beside the stacks' rollout records (in the
 * pipeline's own folder, `_pipeline-<name>`, a name no stack can have): which version, which
 * stage it is at, what each stage did, who approved what, and who drives it. A killed driver's
 * run is taken up by the next `pipeline run` (or `approve`) where it stopped. Finished promotions
 * are kept apart as promotion records (`promotions`), oldest first.
 */
import { randomUUID } from "node:crypto";
import type { Slot } from "../../model/weights";
import type { AnalysisRun } from "../analysis/types";
import { ownerHere, type Owner } from "../rollout/record";
import { appendToList, readList, type DocumentStore } from "../store/document-store";
import { openDocumentStore } from "../store/open-store";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";

export const PIPELINE_RUN_KEY = "pipeline-run";
export const PROMOTIONS_KEY = "promotions";

export type StageStatus =
  | "pending"
  /** The stack file is being changed to ask for the version (a resumed run writes it again). */
  | "promoting"
  | "deploying"
  | "soaking"
  | "verifying"
  | "verified"
  | "failed"
  /** Not reached: an earlier stage failed, or the run was aborted. */
  | "not-reached";

/** `paused`: a stage's rollout paused for a person; `frozen`: the next stage is in a freeze window. Both end the driver until the pipeline is run again. */
export type RunStatus = "running" | "waiting-approval" | "frozen" | "paused" | "succeeded" | "failed" | "aborted";

/** What a stage's stack file asked for before the promotion: put back when the stage fails. */
export interface StackIntent {
  readonly active: Slot;
  readonly versions: Readonly<Record<Slot, string | undefined>>;
}

export interface StageRecord {
  readonly stack: string;
  readonly status: StageStatus;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly priorIntent?: StackIntent;
  /** The slot the version went to (the idle one); absent when the stage already served it. */
  readonly promotedSlot?: Slot;
  readonly approvedBy?: string;
  readonly approvedAt?: string;
  /** The rollout that took the stage to the version. */
  readonly deploymentId?: string;
  readonly soakStartedAt?: string;
  readonly verification?: AnalysisRun;
  /** Why it failed, or what it is waiting for. */
  readonly reason?: string;
}

export interface PipelineRun {
  readonly id: string;
  readonly pipeline: string;
  readonly version: string;
  readonly status: RunStatus;
  readonly reason?: string;
  /** Index of the stage in progress (== stages.length when all are verified). */
  readonly stageIndex: number;
  readonly stages: readonly StageRecord[];
  readonly owner?: Owner;
  /** `pipeline abort` from another terminal, for the driver's next check. */
  readonly request?: { readonly action: "abort"; readonly by: string; readonly at: string };
  readonly startedBy: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

/** One stage's outcome for one version: who, when, which version, how it ended. */
export interface PromotionRecord {
  readonly run: string;
  readonly pipeline: string;
  readonly stage: number;
  readonly stack: string;
  readonly version: string;
  readonly outcome: "verified" | "failed" | "aborted";
  readonly by: string;
  readonly approvedBy?: string;
  readonly deploymentId?: string;
  readonly at: string;
  readonly reason?: string;
}

export const isRunActive = (run: PipelineRun | undefined): run is PipelineRun => run !== undefined && (run.status === "running" || run.status === "waiting-approval" || run.status === "frozen" || run.status === "paused");

export function newPipelineRun(pipeline: string, version: string, stacks: readonly string[], by: string, now = new Date()): PipelineRun {
  const at = now.toISOString();
  return {
    id: `p-${randomUUID().slice(0, 8)}`,
    pipeline,
    version,
    status: "running",
    stageIndex: 0,
    stages: stacks.map((stack) => ({ stack, status: "pending" })),
    owner: ownerHere(),
    startedBy: by,
    startedAt: at,
    updatedAt: at,
  };
}

/** The pipeline's own folder in the backend; `_` keeps it apart from every stack's. */
export function openPipelineStore(name: string): DocumentStore {
  return openDocumentStore(engineBackendUrl(), PROJECT_NAME, `_pipeline-${name}`);
}

/** Enough promotion records for any history people look at; the oldest go first. */
const KEEP_PROMOTIONS = 500;

export const readPromotions = (store: DocumentStore): Promise<PromotionRecord[]> => readList<PromotionRecord>(store, PROMOTIONS_KEY);

export const recordPromotion = (store: DocumentStore, promotion: PromotionRecord): Promise<void> => appendToList(store, PROMOTIONS_KEY, promotion, { keep: KEEP_PROMOTIONS });
