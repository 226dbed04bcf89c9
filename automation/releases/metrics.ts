/**
 * Delivery metrics (the four DORA keys) from the ledger. Pure, so it is table-tested.
 */
import type { LedgerEntry } from "./ledger";
import type { Restoration } from "../dr/restorations";

export interface DeliveryMetrics {
  readonly since: string;
  readonly until: string;
  readonly deployments: number;
  readonly deployment_frequency_per_day: number;
  /** Median seconds from the commit's time to its promotion; null without commit times. */
  readonly lead_time_seconds: number | null;
  /** Rolled back / all deployments; null without deployments. */
  readonly change_failure_rate: number | null;
  /**
   * Median seconds to restore service: from a failed release's detection to all traffic on
   * stable again, and from a region's fault (or the failover command) to the standby serving all.
   */
  readonly time_to_restore_seconds: number | null;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number | null, digits = 1) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** A metric's seconds for people: "45 s", "4.8 min", or "n/a" when there is no figure. */
export const formatSeconds = (s: number | null): string => (s === null ? "n/a" : s < 120 ? `${s} s` : `${(s / 60).toFixed(1)} min`);

/** "30d", "12h", "2w" → milliseconds. */
export function parseWindow(text: string): number {
  const match = /^(\d+)([hdw])$/.exec(text.trim());
  if (!match) throw new RangeError(`--since must look like 30d, 12h or 2w, got "${text}"`);
  return Number(match[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "h" | "d" | "w"];
}

export function deliveryMetrics(entries: readonly LedgerEntry[], windowMs: number, now = Date.now(), restorations: readonly Restoration[] = []): DeliveryMetrics {
  const since = now - windowMs;
  // Rollbacks restore service; they are not changes that can fail.
  const inWindow = entries.filter((e) => e.kind !== "rollback" && Date.parse(e.finishedAt) >= since && Date.parse(e.finishedAt) <= now);
  const failed = inWindow.filter((e) => e.outcome === "rolled-back");
  const leadTimes = inWindow
    .filter((e) => e.outcome === "succeeded" && e.commitTime)
    .map((e) => (Date.parse(e.finishedAt) - Date.parse(e.commitTime!)) / 1000)
    .filter((seconds) => seconds >= 0);
  return {
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    deployments: inWindow.length,
    deployment_frequency_per_day: round(inWindow.length / (windowMs / 86_400_000), 2)!,
    lead_time_seconds: round(median(leadTimes)),
    change_failure_rate: inWindow.length ? round(failed.length / inWindow.length, 3) : null,
    time_to_restore_seconds: round(
      median([
        ...failed.flatMap((e) => (e.restoreSeconds === undefined ? [] : [e.restoreSeconds])),
        ...restorations.filter((r) => Date.parse(r.finishedAt) >= since && Date.parse(r.finishedAt) <= now).map((r) => r.restoreSeconds),
      ]),
    ),
  };
}
