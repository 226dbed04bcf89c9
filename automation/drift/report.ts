/** Builds the drift report and its exit code from classified items. */
import { ExitCode } from "../exit-codes";
import { countByClass, type CheckedResource, type DriftItem, type DriftReport, type DriftStatus, type FixView, type Question } from "./model";
import type { RolloutContext } from "./rollout-context";
import type { Timeline } from "../report/timeline";

export interface DriftReportInput {
  readonly stack: string;
  readonly startedAt: number;
  readonly items: readonly DriftItem[];
  readonly resources: readonly CheckedResource[];
  /** Both unless the check was limited (`--only`). */
  readonly questions?: readonly Question[];
  readonly rollout?: RolloutContext;
  /** The timeline of the rollout in progress. */
  readonly timeline?: Timeline;
  readonly fix?: FixView;
  /** Set when a fix ran or was declined; otherwise it follows from the items. */
  readonly status?: DriftStatus;
  readonly now?: number;
}

/**
 * 2 only for drift still in the cloud: pending changes, rollout weights and ignored drift are
 * shown but never alarm, so a stack without drift exits 0 every time.
 */
export function driftExitCode(items: readonly DriftItem[], status: DriftStatus): number {
  if (status === "reverted" || status === "accepted") return ExitCode.Done;
  return items.some((item) => item.class === "drift") ? ExitCode.DriftFound : ExitCode.Done;
}

function nextSteps(input: DriftReportInput, status: DriftStatus): string[] {
  const counts = countByClass(input.items);
  const steps: string[] = [];
  if (status === "drift" || status === "cancelled") {
    steps.push(`switchyard drift --stack ${input.stack} --fix revert   # put the cloud back to the declared state`);
    steps.push(`switchyard drift --stack ${input.stack} --fix accept   # keep the cloud's values, then change config or code`);
  }
  if (counts["pending-change"] > 0 && status !== "reverted") steps.push(`switchyard preview --stack ${input.stack}   # then deploy to apply the pending changes`);
  return steps;
}

export function buildDriftReport(input: DriftReportInput): DriftReport {
  const status: DriftStatus = input.status ?? (input.items.some((i) => i.class === "drift") ? "drift" : "clean");
  const now = input.now ?? Date.now();
  const exitCode = driftExitCode(input.items, status);
  return {
    summary: {
      command: "drift",
      stack: input.stack,
      status,
      started_at: new Date(input.startedAt).toISOString(),
      duration_seconds: Math.round((now - input.startedAt) / 100) / 10,
      resources_checked: input.resources.length,
      questions: input.questions ?? ["cloud", "code"],
      counts: countByClass(input.items),
      exit_code: exitCode,
    },
    items: input.items,
    resources: input.resources,
    rollout: input.rollout ? { id: input.rollout.id, status: input.rollout.status, weights: input.rollout.weights } : undefined,
    timeline: input.rollout ? input.timeline : undefined,
    fix: input.fix,
    next_steps: nextSteps(input, status),
  };
}
