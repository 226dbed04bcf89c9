/**
 * The driver's status for an engine run, derived from the stack's latest rollout record (which
 * lives in the backend) and the release the stack file asks for. Pure: every case is
 * table-tested. The status is what the driver adds to the file's intent; see
 * model/driver-status.ts for how the program applies it.
 *
 * - A rollout in progress (running or paused) applies its own release and weights, whatever a
 *   checkout's file says meanwhile: two machines sharing the backend apply the same rollout.
 * - A finished rollout still shapes what runs while the file asks for the release it finished
 *   with: a blue-green switch keeps the old slot scaled down; a rolled-back release keeps the
 *   prior release in service; a rollback keeps the release it restored. Once people change the
 *   file's release, the file alone is the intent again.
 */
import type { DriverStatus } from "../../model/driver-status";
import type { RolloutRecord } from "./record";

/** The release the stack file asks for: its `switchyard:slots` and `switchyard:active`, as written. */
export interface ReleaseIntent {
  readonly slots?: unknown;
  readonly active?: unknown;
}

export function releaseIntentOf(values: Readonly<Record<string, unknown>>): ReleaseIntent {
  return { slots: values.slots, active: values.active };
}

/** Canonical text of an intent: key order and the retired `scaledDown` flag do not count. */
function canonical(intent: ReleaseIntent): string {
  const slots = (intent.slots ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const slotText = ["blue", "green"].map((slot) => {
    const { scaledDown: _retired, ...rest } = slots[slot] ?? {};
    return Object.keys(rest)
      .sort()
      .map((key) => `${key}=${JSON.stringify(rest[key])}`)
      .join(",");
  });
  return `active=${JSON.stringify(intent.active ?? null)};blue{${slotText[0]}};green{${slotText[1]}}`;
}

export const sameIntent = (a: ReleaseIntent, b: ReleaseIntent) => canonical(a) === canonical(b);

/**
 * Whether the file still asks for what the record finished with. A record written before records
 * kept their intent: compared by the canary slot's version and `active`, which is what it rolled out.
 */
export function fileStillAsksFor(record: RolloutRecord, file: ReleaseIntent): boolean {
  if (record.intent) return sameIntent(file, record.intent);
  const slots = (file.slots ?? {}) as Record<string, { version?: unknown } | undefined>;
  return file.active === record.canarySlot && slots[record.canarySlot]?.version === record.canaryVersion;
}

const inFlight = (record: RolloutRecord) => record.status === "running" || record.status === "paused";

const scaledDownBy = (record: RolloutRecord) => (record.kind !== "rollback" && record.scaleDownAfterSeconds !== undefined ? record.stableSlot : undefined);

export function driverStatusOf(record: RolloutRecord | undefined, file: ReleaseIntent): DriverStatus | undefined {
  if (!record) return undefined;
  const rollout = record.id;
  if (inFlight(record) || record.status === "failed") {
    // Once traffic is back on stable, a rollback re-applies the prior release.
    if (record.rollingBack && record.stableRestoredAt) return { rollout, weights: record.weights, release: { ...record.priorConfig } };
    const release = record.release ?? record.intent;
    // Killed after the scale-down, before success: the resumed run keeps the old slot down.
    const scaledDown = record.scaledDownAt ? record.stableSlot : undefined;
    return { rollout, weights: record.weights, ...(release ? { release: { ...release } } : {}), ...(scaledDown ? { scaledDown } : {}) };
  }
  if (!fileStillAsksFor(record, file)) return undefined;
  if (record.status === "rolled-back") {
    // Records before `intent` had the old driver write the prior release into the file: nothing to add.
    return record.intent ? { rollout, release: { ...record.priorConfig } } : undefined;
  }
  const release = record.kind === "rollback" ? record.finalConfig : undefined;
  const scaledDown = scaledDownBy(record);
  if (!release && !scaledDown) return undefined;
  return { rollout, ...(release ? { release: { ...release } } : {}), ...(scaledDown ? { scaledDown } : {}) };
}

/**
 * A release the file asks for that was rolled back (or rolled back from): deploying the same file
 * again would repeat it, so deploy asks for a changed file or `--retry`.
 */
export function heldBack(record: RolloutRecord | undefined, file: ReleaseIntent): RolloutRecord | undefined {
  if (!record?.intent || inFlight(record) || !fileStillAsksFor(record, file)) return undefined;
  if (record.status === "rolled-back" || (record.status === "succeeded" && record.kind === "rollback")) return record;
  return undefined;
}

/** What a held-back release was, for deploy's error and status's note. */
export function heldBackText(record: RolloutRecord): string {
  if (record.kind === "rollback") return `what rollback ${record.id} took the stack back from (it restored ${record.restoresRelease ?? "an earlier release"})`;
  return `${record.canaryVersion} on ${record.canarySlot}, which rollout ${record.id} rolled back (${record.statusReason ?? "no reason recorded"})`;
}
