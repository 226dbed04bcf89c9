/**
 * The regional move as a pure transition function: next(record, event, now) → record + effects.
 * The loop (run.ts) performs the effects and feeds their results back; every decision is here,
 * table-tested without an engine.
 *
 * Order for safety: the destination is analysed before anything moves (an unhealthy standby is
 * refused, nothing changed); traffic moves first and data second, so a promoted replica never
 * takes writes while the old primary still does; a failed step sends traffic back to `from`,
 * except when the watch moved it because `from` was failing (going back would restore nothing).
 */
import type { RegionWeights } from "../../model/config/dr";
import type { AnalysisRun } from "../analysis/types";
import type { RegionMoveRecord } from "./record";

export type RegionMoveEvent =
  | { readonly type: "started" }
  | { readonly type: "analysed"; readonly run: AnalysisRun }
  | { readonly type: "applied"; readonly weights: RegionWeights; readonly verified: boolean | undefined }
  | { readonly type: "data-promoted" }
  | { readonly type: "effect-failed"; readonly effect: RegionMoveEffect["type"]; readonly error: unknown };

export type RegionMoveEffect =
  | { readonly type: "save" }
  | { readonly type: "analyse"; readonly region: string; readonly ms: number; readonly purpose: "precheck" | "step" }
  | { readonly type: "apply"; readonly weights: RegionWeights }
  | { readonly type: "promote-data"; readonly region: string }
  | { readonly type: "finish" }
  | { readonly type: "fail"; readonly error: unknown };

export interface RegionTransition {
  readonly record: RegionMoveRecord;
  readonly effects: readonly RegionMoveEffect[];
}

export class InvalidRegionMoveError extends Error {
  constructor(record: RegionMoveRecord, event: RegionMoveEvent) {
    super(`region move ${record.id}: event ${event.type} does not apply in phase ${record.phase} (status ${record.status})`);
  }
}

/** The weights of a step: the destination's share, the rest on the region it leaves. */
export const weightsAt = (record: Pick<RegionMoveRecord, "from" | "to">, share: number): RegionWeights => ({ [record.from]: 100 - share, [record.to]: share });

/** Minimum pre-check time: a destination is measured for real before it takes traffic. */
export const PRECHECK_MS = 2_000;

function describeRun(run: AnalysisRun): string {
  const worst = run.metrics.filter((m) => m.phase !== "Successful").map((m) => `${m.name}: ${m.message}`);
  return worst.length > 0 ? worst.join("; ") : run.phase;
}

/** The effects that continue a record from where it stands (a driver that takes over a killed one). */
export function resumeEffects(record: RegionMoveRecord): readonly RegionMoveEffect[] {
  switch (record.phase) {
    case "checking":
      return [{ type: "analyse", region: record.to, ms: PRECHECK_MS, purpose: "precheck" }];
    case "shifting":
      return [{ type: "apply", weights: weightsAt(record, record.plan[record.stepIndex]!) }];
    case "analysing":
      return [{ type: "analyse", region: record.to, ms: record.bakeMs, purpose: "step" }];
    case "promoting":
      return [{ type: "promote-data", region: record.to }];
    case "returning":
      return [{ type: "apply", weights: weightsAt(record, 0) }];
    case "done":
      return [{ type: "finish" }];
  }
}

export function next(record: RegionMoveRecord, event: RegionMoveEvent, now: number): RegionTransition {
  const at = new Date(now).toISOString();
  const r = (changes: Partial<RegionMoveRecord>): RegionMoveRecord => ({ ...record, ...changes, updatedAt: at });
  const done = (changes: Partial<RegionMoveRecord>): RegionTransition => ({ record: r({ ...changes, phase: "done", finishedAt: at }), effects: [{ type: "save" }, { type: "finish" }] });
  const shiftTo = (index: number, changes: Partial<RegionMoveRecord> = {}): RegionTransition => ({
    record: r({ ...changes, phase: "shifting", stepIndex: index }),
    effects: [{ type: "save" }, { type: "apply", weights: weightsAt(record, record.plan[index]!) }],
  });
  const goBack = (reason: string, changes: Partial<RegionMoveRecord> = {}): RegionTransition => ({
    record: r({ ...changes, phase: "returning", statusReason: reason }),
    effects: [{ type: "save" }, { type: "apply", weights: weightsAt(record, 0) }],
  });
  if (record.status !== "running") throw new InvalidRegionMoveError(record, event);

  switch (event.type) {
    case "started":
      return { record: r({}), effects: [{ type: "save" }, ...resumeEffects(record)] };

    case "analysed": {
      const healthy = event.run.phase === "Successful";
      if (record.phase === "checking") {
        if (healthy) return shiftTo(0, { precheck: event.run });
        return done({ precheck: event.run, status: "refused", statusReason: `${record.to} is not healthy, so no traffic moved: ${describeRun(event.run)}` });
      }
      if (record.phase !== "analysing") throw new InvalidRegionMoveError(record, event);
      const steps = record.steps.map((step, i) => (i === record.stepIndex ? { ...step, analysis: event.run } : step));
      const share = record.plan[record.stepIndex]!;
      if (!healthy) {
        const reason = `${record.to} failed its analysis at ${share}%: ${describeRun(event.run)}`;
        // The watch moved traffic because `from` was failing: sending it back restores nothing.
        if (record.trigger === "watch") return done({ steps, status: "failed", statusReason: `${reason}; traffic left where it is, as ${record.from} was failing too` });
        return goBack(reason, { steps });
      }
      const last = record.stepIndex + 1 >= record.plan.length;
      if (!last) return shiftTo(record.stepIndex + 1, { steps });
      if (record.promoteData) return { record: r({ steps, phase: "promoting" }), effects: [{ type: "save" }, { type: "promote-data", region: record.to }] };
      return done({ steps, status: "succeeded" });
    }

    case "applied": {
      if (record.phase === "returning") return done({ weights: event.weights, status: "rolled-back" });
      if (record.phase !== "shifting") throw new InvalidRegionMoveError(record, event);
      const share = record.plan[record.stepIndex]!;
      const step = { share, appliedAt: at, verified: event.verified };
      const steps = [...record.steps.slice(0, record.stepIndex), step];
      const servesAllAt = share === 100 && !record.servesAllAt ? at : record.servesAllAt;
      // A drill's return step (share 0) ends it: nothing to analyse on the region it left.
      if (share === 0) return done({ steps, weights: event.weights, servesAllAt, status: "succeeded" });
      return {
        record: r({ steps, weights: event.weights, servesAllAt, phase: "analysing" }),
        effects: [{ type: "save" }, { type: "analyse", region: record.to, ms: record.bakeMs, purpose: "step" }],
      };
    }

    case "data-promoted":
      if (record.phase !== "promoting") throw new InvalidRegionMoveError(record, event);
      return done({ dataPromotedAt: at, status: "succeeded" });

    case "effect-failed": {
      const message = event.error instanceof Error ? event.error.message : String(event.error);
      // Nothing moved yet: the check itself could not run.
      if (record.phase === "checking") return done({ status: "refused", statusReason: `the check of ${record.to} could not run: ${message}` });
      return { record: r({ phase: "done", status: "failed", statusReason: `${event.effect} failed: ${message}`, finishedAt: at }), effects: [{ type: "save" }, { type: "fail", error: event.error }] };
    }
  }
}
