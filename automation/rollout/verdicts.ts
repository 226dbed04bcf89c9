/**
 * The rollout's decisions that are tables: what an analysis phase does to the step, and how a
 * finished record ends the run. Kept apart from the transitions so they read as one place.
 */
import type { AnalysisRun, Phase } from "../analysis/types";
import type { RolloutEvent, RolloutOutcome } from "./machine-types";
import type { RolloutRecord } from "./record";

export type StepVerdict = "next-step" | "pause" | "roll-back";

/** Argo Rollouts' gate: a bad release leaves service, an unsure one waits for a person. */
const ON_PHASE: Readonly<Record<Phase, StepVerdict>> = {
  Successful: "next-step",
  Inconclusive: "pause",
  Failed: "roll-back",
  Error: "roll-back",
  // runAnalysis always ends decided; a run that did not proved nothing, and traffic never moves on a guess.
  Pending: "pause",
  Running: "pause",
};

export const stepVerdict = (phase: Phase): StepVerdict => ON_PHASE[phase];

export function summarise(run: AnalysisRun | undefined): string {
  if (!run) return "";
  const bad = run.metrics.filter((m) => m.phase !== "Successful").map((m) => `${m.name}: ${m.message}`);
  return bad.length ? ` — ${bad.join("; ")}` : "";
}

export function rollbackReason(r: RolloutRecord, run: AnalysisRun): string {
  const step = r.plan[r.stepIndex]!;
  return `analysis ${run.phase.toLowerCase()} at step ${r.stepIndex + 1} (${step.weight}% on ${r.canarySlot})${summarise(run)}`;
}

export const inconclusiveReason = (r: RolloutRecord, run: AnalysisRun | undefined): string =>
  `analysis inconclusive at step ${r.stepIndex + 1}${summarise(run)}; run promote, resume or abort`;

/** How a record whose end is in the ledger finishes the run; undefined while it has not ended. */
export function ending(r: RolloutRecord): { readonly outcome: RolloutOutcome; readonly event: RolloutEvent } | undefined {
  switch (r.status) {
    case "succeeded":
      return { outcome: "succeeded", event: { type: "finished", outcome: "succeeded" } };
    case "rolled-back":
      return { outcome: "rolled-back", event: { type: "finished", outcome: "rolled-back", reason: r.statusReason } };
    case "running":
    case "paused":
    case "failed":
      return undefined;
  }
}
