/**
 * The thin loop around the regional move's machine (machine.ts): performs its effects through the
 * injected deps, feeds the results back, and saves the record with compare-and-swap after every
 * transition. Every decision is the machine's.
 */
import type { RegionWeights } from "../../model/config/dr";
import type { AnalysisRun } from "../analysis/types";
import type { DocumentStore, StoredDocument } from "../store/document-store";
import { next, type RegionMoveEffect, type RegionMoveEvent } from "./machine";
import { REGION_MOVE_KEY, type RegionMoveRecord } from "./record";

export interface RegionMoveDeps {
  readonly store: DocumentStore;
  /** Applies the regional weights through the engine and reads them back; undefined: cannot tell. */
  readonly applyRegionWeights: (weights: RegionWeights) => Promise<boolean | undefined>;
  readonly analyseRegion: (region: string, ms: number, purpose: "precheck" | "step") => Promise<AnalysisRun>;
  /** Makes `region`'s data replicas the primary ones through the engine (nothing when the stack replicates no data). */
  readonly promoteData: (region: string) => Promise<void>;
  readonly onRecord?: (record: RegionMoveRecord) => void;
  readonly now?: () => number;
}

export async function driveRegionMove(initial: StoredDocument<RegionMoveRecord>, deps: RegionMoveDeps, first: RegionMoveEvent = { type: "started" }): Promise<RegionMoveRecord> {
  const now = deps.now ?? Date.now;
  let doc = initial;
  let event: RegionMoveEvent = first;
  for (;;) {
    const { record, effects } = next(doc.value, event, now());
    let following: RegionMoveEvent | undefined;
    let current = record;
    for (const effect of effects) {
      if (effect.type === "save") {
        doc = await deps.store.put(REGION_MOVE_KEY, current, doc.revision);
        deps.onRecord?.(current);
        continue;
      }
      if (effect.type === "finish") return current;
      if (effect.type === "fail") throw effect.error;
      following = await perform(effect, deps);
    }
    if (!following) return current;
    event = following;
    current = doc.value;
  }
}

async function perform(effect: Exclude<RegionMoveEffect, { type: "save" | "finish" | "fail" }>, deps: RegionMoveDeps): Promise<RegionMoveEvent> {
  try {
    switch (effect.type) {
      case "analyse":
        return { type: "analysed", run: await deps.analyseRegion(effect.region, effect.ms, effect.purpose) };
      case "apply":
        return { type: "applied", weights: effect.weights, verified: await deps.applyRegionWeights(effect.weights) };
      case "promote-data":
        await deps.promoteData(effect.region);
        return { type: "data-promoted" };
    }
  } catch (error) {
    return { type: "effect-failed", effect: effect.type, error };
  }
}
