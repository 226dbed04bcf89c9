/**
 * What every cloud's BlueGreenEnvironment asks of a slot: a version, a capacity and a health check,
 * plus the scale-down of an idle slot, which the driver owns. Validation lives here so each cloud reports the same way.
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { SLOTS, type Slot, type Weights } from "../../model/weights";

export interface HealthCheckSpec {
  /** HTTP path that answers 2xx when the slot can take traffic. */
  readonly path: string;
  /** @default the container/app port */
  readonly port?: number;
  /** @default 10 */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 2 */
  readonly healthyThreshold?: number;
  /** @default 3 */
  readonly unhealthyThreshold?: number;
}

export interface SlotSpec {
  /** Artifact version the slot runs (image tag, AMI name, revision suffix). */
  readonly version: string;
  /** Instances / tasks / replicas while the slot may take traffic. */
  readonly capacity: number;
}

export const HEALTH_DEFAULTS = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 } as const;

export function assertHealthCheck(component: string, field: string, hc: HealthCheckSpec | undefined): asserts hc is HealthCheckSpec {
  if (!hc || typeof hc.path !== "string" || hc.path.length === 0) {
    throw new ComponentArgsError(component, field, "a health check is required", `set ${field}.path, e.g. "/healthz"`);
  }
  if (!hc.path.startsWith("/")) {
    throw new ComponentArgsError(component, `${field}.path`, `must start with "/", got ${JSON.stringify(hc.path)}`, `use "/${hc.path}"`);
  }
  const interval = hc.intervalSeconds ?? HEALTH_DEFAULTS.intervalSeconds;
  const timeout = hc.timeoutSeconds ?? HEALTH_DEFAULTS.timeoutSeconds;
  if (timeout >= interval) {
    throw new ComponentArgsError(component, `${field}.timeoutSeconds`, `must be shorter than intervalSeconds (${timeout} >= ${interval})`, "lower the timeout or raise the interval");
  }
}

export function assertSlots(component: string, slots: Readonly<Record<Slot, SlotSpec>> | undefined): void {
  for (const slot of SLOTS) {
    const spec = slots?.[slot];
    if (!spec) throw new ComponentArgsError(component, `slots.${slot}`, "is missing", `give both slots: { blue: {...}, green: {...} }`);
    if (typeof spec.version !== "string" || spec.version.length === 0) {
      throw new ComponentArgsError(component, `slots.${slot}.version`, "must not be empty", 'set the artifact version, e.g. "1.4.2"');
    }
    if (!Number.isInteger(spec.capacity) || spec.capacity < 1) {
      throw new ComponentArgsError(component, `slots.${slot}.capacity`, `must be a whole number of at least 1, got ${spec.capacity}`, "the driver scales an idle slot to 0 itself after a blue-green switch");
    }
  }
}

/**
 * The idle slot the driver scaled down after a blue-green switch: it runs at capacity 0. The
 * driver owns this input (its status lives in the backend, never in the stack file), and its
 * timing with it:
 * - it sets it only after the hold, once the slot's weight is 0, in a full update;
 * - it clears it in the full update that brings the slot back (a new release's prepare, a
 *   rollback's re-apply) before any weight returns. Weight steps are targeted updates of the
 *   traffic resources: they never touch capacity.
 * So a weight on a scaled-down slot is a bug upstream; it is refused rather than sent to nothing.
 */
export function assertScaledDown(component: string, scaledDown: Slot | undefined): void {
  if (scaledDown !== undefined && !SLOTS.includes(scaledDown)) {
    throw new ComponentArgsError(component, "scaledDown", `must be blue or green, got ${JSON.stringify(scaledDown)}`, "leave it to the driver, which sets it after a blue-green switch");
  }
}

/** Pure: the capacity a slot runs at. Zero only for the slot the driver scaled down. */
export function slotCapacity(slot: Slot, capacity: number, scaledDown: Slot | undefined): number {
  return slot === scaledDown ? 0 : capacity;
}

/**
 * Each slot's capacity. A slot that runs is a plain value (a weight change cannot touch it); the
 * scaled-down slot's 0 is tied to the weights so that any weight on it fails the update instead.
 */
export function slotCapacities(
  component: string,
  weights: pulumi.Output<Weights>,
  slots: Readonly<Record<Slot, SlotSpec>>,
  scaledDown: Slot | undefined,
): Record<Slot, pulumi.Output<number>> {
  const of = (slot: Slot): pulumi.Output<number> => {
    if (slot !== scaledDown) return pulumi.output(slots[slot].capacity);
    return weights.apply((w) => {
      if (w[slot] > 0) {
        throw new ComponentArgsError(component, `weights.${slot}`, `is ${w[slot]}% on a slot scaled down to 0`, `bring ${slot} back first: a full update without scaledDown, then move weight`);
      }
      return 0;
    });
  };
  return { blue: of("blue"), green: of("green") };
}
