/**
 * Reads what the dashboard shows of one stack from the same places the commands read: the
 * records in the stack's backend (rollout, regional move, ledger, restorations, last drift
 * report) and `status` itself for what really serves. Nothing here keeps a copy of its own.
 */
import { statSync } from "node:fs";
import { loadStackConfig } from "../../stacks/load-config";
import { stackFilePath } from "../../model/config-keys";
import { readLastDriftReport } from "../drift/last-report";
import { REGION_MOVE_KEY, type RegionMoveRecord } from "../dr/record";
import { readRestorations } from "../dr/restorations";
import { readLedger } from "../releases/ledger";
import { deliveryMetrics } from "../releases/metrics";
import { listReleases } from "../releases/releases";
import { thresholdsOf, type TimelineThreshold } from "../report/timeline";
import { ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import type { DocumentStore } from "../store/document-store";
import { openDocumentStore } from "../store/open-store";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";
import type { CommandContext } from "../commands/context";
import type { Report } from "../report/model";
import { metricsHistory, rolloutView, type Readout, type StackSnapshot } from "./view";

const DAY_MS = 86_400_000;
/** How many releases the page lists (newest); the ledger keeps them all. */
const RELEASES_SHOWN = 15;

const readout = async <T>(read: () => Promise<T>): Promise<Readout<T>> => {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

export interface RecordsReading {
  /** A fingerprint of the records read: equal when nothing changed. */
  readonly fingerprint: string;
  readonly snapshot: Omit<StackSnapshot, "status">;
}

/** The metric thresholds of the stack's analysis config, read afresh (the file may change); none when it does not load. */
export function stackThresholds(stack: string, workDir: string): Record<string, TimelineThreshold> {
  try {
    return thresholdsOf(loadStackConfig(stack, workDir).config.analysis?.metrics);
  } catch {
    return {};
  }
}

export class StackRecords {
  private readonly store: DocumentStore;

  constructor(
    readonly stack: string,
    private readonly workDir: string,
    store?: DocumentStore,
  ) {
    this.store = store ?? openDocumentStore(engineBackendUrl(), PROJECT_NAME, stack);
  }

  private cachedThresholds?: { readonly mtimeMs: number; readonly value: Record<string, TimelineThreshold> };

  /** The stack file's thresholds, parsed again only when the file changed (the records are read twice a second). */
  private thresholds(): Record<string, TimelineThreshold> {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(stackFilePath(this.workDir, this.stack)).mtimeMs;
    } catch {
      // No file: no thresholds, as stackThresholds says.
    }
    if (this.cachedThresholds?.mtimeMs !== mtimeMs) this.cachedThresholds = { mtimeMs, value: stackThresholds(this.stack, this.workDir) };
    return this.cachedThresholds.value;
  }

  async read(now = Date.now()): Promise<RecordsReading> {
    const { store } = this;
    const [rollout, move, ledger, restorations, drift, releases] = await Promise.all([
      readout(() => store.get<RolloutRecord>(ROLLOUT_KEY)),
      readout(() => store.get<RegionMoveRecord>(REGION_MOVE_KEY)),
      readout(() => readLedger(store)),
      readout(() => readRestorations(store)),
      readout(() => readLastDriftReport(store)),
      readout(() => listReleases(store)),
    ]);
    const record = rollout.value?.value;
    const moveRecord = move.value?.value;
    const metrics: StackSnapshot["metrics"] =
      ledger.error !== undefined ? { error: ledger.error } : restorations.error !== undefined ? { error: restorations.error } : {
            value: {
              last30Days: deliveryMetrics(ledger.value, 30 * DAY_MS, now, restorations.value),
              weekly: metricsHistory(ledger.value, restorations.value, now),
            },
          };
    const snapshot: Omit<StackSnapshot, "status"> = {
      stack: this.stack,
      readAt: new Date(now).toISOString(),
      rollout: record ? rolloutView(record, this.thresholds(), now) : undefined,
      recordsError: rollout.error ?? move.error,
      regionMove: moveRecord
        ? { id: moveRecord.id, kind: moveRecord.kind, from: moveRecord.from, to: moveRecord.to, status: moveRecord.status, statusReason: moveRecord.statusReason, phase: moveRecord.phase, weights: moveRecord.weights, startedAt: moveRecord.startedAt, finishedAt: moveRecord.finishedAt }
        : undefined,
      releases: releases.error !== undefined ? releases : { value: releases.value.slice(-RELEASES_SHOWN) },
      metrics,
      drift,
    };
    const fingerprint = JSON.stringify([rollout.value?.revision ?? rollout.error, move.value?.revision ?? move.error, ledger.error ?? ledger.value.length, drift.error ?? drift.value?.summary.started_at, restorations.error ?? restorations.value.length]);
    return { fingerprint, snapshot };
  }
}

/** `status` as the command runs it, in this process; its report or why it failed. */
export async function readStatus(stack: string, workDir: string): Promise<Readout<Report> & { at: string }> {
  const at = new Date().toISOString();
  const ctx: CommandContext = { stack, json: true, yes: true, workDir, progress: () => {} };
  try {
    const { status } = require("../commands/status") as typeof import("../commands/status");
    return { value: (await status(ctx)).report, at };
  } catch (error) {
    const fix = (error as { fix?: string }).fix;
    return { error: `${(error as Error).message}${fix ? ` (fix: ${fix})` : ""}`, at };
  }
}
