/**
 * The pipeline's decisions, pure: from the run record, the pipeline's config and the time, what
 * to do next; and how each outcome changes the record. The loop (run.ts) performs the actions
 * (edit a stack file, deploy, soak, verify) and saves what these functions return.
 */
import { activeFreeze, type PipelineConfig } from "../../model/config/pipeline";
import type { AnalysisRun } from "../analysis/types";
import type { Slot } from "../../model/weights";
import type { PipelineRun, PromotionRecord, StackIntent, StageRecord } from "./record";

export type NextAction =
  | { readonly kind: "finished" }
  | { readonly kind: "abort" }
  | { readonly kind: "succeed" }
  | { readonly kind: "frozen"; readonly stage: number; readonly until: number; readonly reason?: string }
  | { readonly kind: "await-approval"; readonly stage: number }
  | { readonly kind: "promote"; readonly stage: number }
  | { readonly kind: "deploy"; readonly stage: number }
  | { readonly kind: "soak"; readonly stage: number; readonly until: number }
  | { readonly kind: "verify"; readonly stage: number }
  | { readonly kind: "pass"; readonly stage: number };

export function nextAction(run: PipelineRun, config: PipelineConfig, now: number): NextAction {
  if (run.status === "succeeded" || run.status === "failed" || run.status === "aborted") return { kind: "finished" };
  if (run.request?.action === "abort") return { kind: "abort" };
  const index = run.stageIndex;
  if (index >= config.stages.length) return { kind: "succeed" };
  const stage = config.stages[index]!;
  const state = run.stages[index]!;
  switch (state.status) {
    case "pending": {
      const freeze = activeFreeze(stage, now);
      if (freeze) return { kind: "frozen", stage: index, until: freeze.to, reason: freeze.reason };
      if (stage.approval && !state.approvedAt) return { kind: "await-approval", stage: index };
      return { kind: "promote", stage: index };
    }
    case "promoting":
      return { kind: "promote", stage: index };
    case "deploying":
      return { kind: "deploy", stage: index };
    case "soaking": {
      const until = Date.parse(state.soakStartedAt ?? new Date(now).toISOString()) + stage.soak;
      if (now < until) return { kind: "soak", stage: index, until };
      return stage.verify ? { kind: "verify", stage: index } : { kind: "pass", stage: index };
    }
    case "verifying":
      return { kind: "verify", stage: index };
    case "verified":
      // Saved before the index moved on (never by this module, which moves both at once).
      return { kind: "pass", stage: index };
    case "failed":
    case "not-reached":
      return { kind: "finished" };
  }
}

const iso = (now: number) => new Date(now).toISOString();

function withStage(run: PipelineRun, index: number, change: Partial<StageRecord>, now: number, over: Partial<PipelineRun> = {}): PipelineRun {
  const stages = run.stages.map((stage, i) => (i === index ? { ...stage, ...change } : stage));
  return { ...run, ...over, stages, updatedAt: iso(now) };
}

/** Before the stack file is written: what it asked for, so that a failure can put it back. */
export function promoting(run: PipelineRun, index: number, prior: StackIntent, slot: Slot | undefined, now: number): PipelineRun {
  const state = run.stages[index]!;
  return withStage(run, index, { status: "promoting", startedAt: state.startedAt ?? iso(now), priorIntent: state.priorIntent ?? prior, promotedSlot: slot, reason: undefined }, now, { status: "running", reason: undefined });
}

export const deploying = (run: PipelineRun, index: number, now: number) => withStage(run, index, { status: "deploying" }, now);

export const soaking = (run: PipelineRun, index: number, deploymentId: string | undefined, now: number) =>
  withStage(run, index, { status: "soaking", deploymentId, soakStartedAt: iso(now) }, now);

export const verifying = (run: PipelineRun, index: number, now: number) => withStage(run, index, { status: "verifying" }, now);

/** The stage passed: the run moves to the next stage, or succeeds after the last. */
export function passed(run: PipelineRun, index: number, verification: AnalysisRun | undefined, now: number): PipelineRun {
  const last = index + 1 >= run.stages.length;
  return withStage(run, index, { status: "verified", verification, finishedAt: iso(now), reason: undefined }, now, {
    stageIndex: index + 1,
    ...(last ? { status: "succeeded" as const, finishedAt: iso(now), owner: undefined } : {}),
  });
}

/** The stage failed (or the run was aborted in it): later stages are never touched. */
export function failed(run: PipelineRun, index: number, reason: string, now: number, outcome: "failed" | "aborted" = "failed", verification?: AnalysisRun): PipelineRun {
  const stages = run.stages.map((stage, i): StageRecord => (i === index ? { ...stage, status: "failed", reason, finishedAt: iso(now), ...(verification ? { verification } : {}) } : i > index ? { ...stage, status: "not-reached" } : stage));
  return { ...run, stages, status: outcome, reason: `${run.stages[index]?.stack ?? "run"}: ${reason}`, request: undefined, finishedAt: iso(now), updatedAt: iso(now), owner: undefined };
}

/** Aborted before a stage had begun (waiting for approval, or frozen): nothing to roll back. */
export function abortedBetweenStages(run: PipelineRun, by: string, now: number): PipelineRun {
  const stages = run.stages.map((stage, i): StageRecord => (i >= run.stageIndex ? { ...stage, status: "not-reached" } : stage));
  return { ...run, stages, status: "aborted", reason: `aborted by ${by} before ${run.stages[run.stageIndex]?.stack ?? "the end"}`, request: undefined, finishedAt: iso(now), updatedAt: iso(now), owner: undefined };
}

export const waiting = (run: PipelineRun, status: "waiting-approval" | "frozen", reason: string, now: number): PipelineRun =>
  run.status === status && run.reason === reason ? run : { ...run, status, reason, updatedAt: iso(now) };

export class ApprovalError extends Error {}

/** A person approves a stage of an active run (ahead of time too); a stage already begun needs none. */
export function approve(run: PipelineRun, stack: string, by: string, now: number): PipelineRun {
  const index = run.stages.findIndex((s) => s.stack === stack);
  if (index < 0) throw new ApprovalError(`run ${run.id} has no stage "${stack}"; its stages are ${run.stages.map((s) => s.stack).join(", ")}`);
  const state = run.stages[index]!;
  if (state.status !== "pending") throw new ApprovalError(`stage ${stack} of run ${run.id} is ${state.status}: approval is given before a stage begins`);
  if (state.approvedAt) throw new ApprovalError(`stage ${stack} of run ${run.id} was already approved by ${state.approvedBy} at ${state.approvedAt}`);
  const approved = withStage(run, index, { approvedBy: by, approvedAt: iso(now) }, now);
  return index === run.stageIndex && run.status === "waiting-approval" ? { ...approved, status: "running", reason: undefined } : approved;
}

export function promotionOf(run: PipelineRun, index: number, outcome: PromotionRecord["outcome"], now: number): PromotionRecord {
  const stage = run.stages[index]!;
  return {
    run: run.id,
    pipeline: run.pipeline,
    stage: index + 1,
    stack: stage.stack,
    version: run.version,
    outcome,
    by: run.startedBy,
    approvedBy: stage.approvedBy,
    deploymentId: stage.deploymentId,
    at: iso(now),
    reason: stage.reason,
  };
}
