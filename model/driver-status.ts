/**
 * The driver's status as the program sees it: an overlay on the stack file's intent for one
 * engine run. People write the stack file (versions, `active`, strategy, analysis); the driver
 * keeps what it knows while it works (weights in flight, a scaled-down slot, a release it
 * re-applied) in the backend, and hands it to the engine as `switchyard:driverStatus` in the
 * run's effective config file, never in the stack file. Without it (a plain `pulumi up` from the
 * file) the program builds the steady state: all traffic on `active`. Pure.
 */
import { z } from "zod";
import { allOn, SLOTS, type Slot, type Weights } from "./weights";

import { DRIVER_STATUS_KEY } from "./config-keys";
export { DRIVER_STATUS_KEY };

/** Keys of the stack config that define a release: what runs on each slot and which slot serves. */
export const RELEASE_KEYS = ["slots", "traffic", "active"] as const;

const percentage = z.number().int().min(0).max(100);

export const driverStatusSchema = z.strictObject({
  /** The rollout record it comes from, for people reading the engine's history. */
  rollout: z.string().optional(),
  /** Weights in flight during a rollout; absent: all traffic on `active`. */
  weights: z
    .strictObject({ blue: percentage, green: percentage })
    .refine((w) => w.blue + w.green === 100, { message: "blue + green must add up to 100" })
    .optional(),
  /** The idle slot, run at zero capacity after a blue-green switch. */
  scaledDown: z.enum(SLOTS).optional(),
  /**
   * Regional weights (region → share) of a failover, failback or drill in flight, or of a
   * completed failover until the stack file's `switchyard:dr.primary` names the region that serves.
   */
  regions: z.record(z.string().min(1), percentage).optional(),
  /**
   * The region whose data replicas were promoted by a failover (or back by a failback), until the
   * stack file's `switchyard:dr.primary` names it; absent: the file's primary holds the data.
   */
  dataPrimary: z.string().min(1).optional(),
  /** A release the driver applies instead of the file's (rollback): its `slots`, `active`, `traffic`. */
  release: z.record(z.string(), z.unknown()).optional(),
});

export type DriverStatus = z.output<typeof driverStatusSchema>;

/**
 * The stack file's `switchyard:` values with a release the driver applies in their place (a
 * rollback). Done on raw values so that the release is validated by the same schema as the file.
 */
export function withRelease(values: Readonly<Record<string, unknown>>, status: DriverStatus | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...values };
  delete merged[DRIVER_STATUS_KEY];
  for (const key of RELEASE_KEYS) {
    if (status?.release && key in status.release) merged[key] = status.release[key];
  }
  return merged;
}

/** What the program needs of the intent to place traffic. */
export interface TrafficIntent {
  readonly active?: Slot;
  readonly traffic?: Weights;
}

/**
 * The weights an engine run applies: in flight during a rollout, else all on `active`. Without
 * `active` the file's own weights are the intent. With `active`, a `traffic` key in the file was
 * written by an earlier Switchyard and is ignored (the loader warns).
 */
export function effectiveWeights(intent: TrafficIntent, status: DriverStatus | undefined): Weights {
  if (status?.weights) return status.weights;
  if (intent.active) return allOn(intent.active);
  if (intent.traffic) return intent.traffic;
  return allOn("blue");
}

export class ScaledDownUnderTrafficError extends Error {
  constructor(slot: Slot, weights: Weights) {
    super(
      `switchyard:${DRIVER_STATUS_KEY}: the ${slot} slot is scaled down but would take ${weights[slot]}% of traffic; ` +
        `a slot gets its capacity back before any weight (run switchyard deploy, which brings it up first)`,
    );
  }
}

/** The slot to run at zero capacity, refusing one that would take traffic: weight never lands on zero capacity. */
export function scaledDownSlot(weights: Weights, status: DriverStatus | undefined): Slot | undefined {
  const slot = status?.scaledDown;
  if (slot && weights[slot] > 0) throw new ScaledDownUnderTrafficError(slot, weights);
  return slot;
}

/** The version each slot runs under the status: a re-applied release's, else the file's. */
export function effectiveVersions(slots: Readonly<Record<Slot, { readonly version: string }>>, status: DriverStatus | undefined): Record<Slot, string> {
  const released = (status?.release?.slots ?? {}) as Partial<Record<Slot, { version?: unknown }>>;
  const versionOf = (slot: Slot) => (typeof released[slot]?.version === "string" ? (released[slot]!.version as string) : slots[slot].version);
  return { blue: versionOf("blue"), green: versionOf("green") };
}
