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

/** How often the driver renews its heartbeat on the record while an engine update runs. */
export const MOVE_HEARTBEAT_MS = 10_000;

export async function driveRegionMove(initial: StoredDocument<RegionMoveRecord>, deps: RegionMoveDeps, first: RegionMoveEvent = { type: "started" }): Promise<RegionMoveRecord> {
  const now = deps.now ?? Date.now;
  let doc = initial;
  // Writes one at a time: the heartbeat and the loop compare-and-swap on the same revision.
  let writes: Promise<unknown> = Promise.resolve();
  const write = (value: RegionMoveRecord) => {
    const done = writes.then(async () => {
      doc = await deps.store.put(REGION_MOVE_KEY, value, doc.revision);
    });
    writes = done.catch(() => undefined);
    return done;
  };
  // A driver on another machine is taken for dead after HEARTBEAT_STALE_MS of silence; a cloud's engine update can take longer than that.
  const beat = setInterval(() => {
    if (doc.value.status === "running" && doc.value.owner) void write({ ...doc.value, owner: { ...doc.value.owner, heartbeatAt: new Date(now()).toISOString() } }).catch(() => undefined);
  }, MOVE_HEARTBEAT_MS);
  beat.unref();
  try {
    let event: RegionMoveEvent = first;
    for (;;) {
      const { record, effects } = next(doc.value, event, now());
      let following: RegionMoveEvent | undefined;
      for (const effect of effects) {
        if (effect.type === "save") {
          await write(record);
          deps.onRecord?.(record);
          continue;
        }
        if (effect.type === "finish") return record;
        if (effect.type === "fail") throw effect.error;
        following = await perform(effect, deps);
      }
      if (!following) return record;
      event = following;
    }
  } finally {
    clearInterval(beat);
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
