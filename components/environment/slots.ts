/**
 * What every cloud's BlueGreenEnvironment asks of a slot: a version, a capacity and a health check,
 * plus the optional scale-down of an idle slot. Validation lives here so each cloud reports the same way.
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

/**
 * Scale an idle slot (weight 0) to zero. The component only expresses the end state; the *timing*
 * is the driver's, which owns this input:
 * - it sets it only `afterSeconds` after the slot's weight reached 0 (weight steps are targeted
 *   updates of the traffic resources, so traffic has left before any capacity change is applied);
 * - it removes it, in a full update that leaves the slot at weight 0, before the slot receives a
 *   new version or any weight again, so capacity is back before traffic returns. (In one update,
 *   the traffic resource is applied before the slots that depend on it, so raising the weight of a
 *   scaled-down slot while scale-down is still set would send traffic to nothing.)
 */
export interface ScaleDownIdleSlot {
  readonly afterSeconds: number;
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
      throw new ComponentArgsError(component, `slots.${slot}.capacity`, `must be a whole number of at least 1, got ${spec.capacity}`, "use scaleDownIdleSlot to run an idle slot at 0");
    }
  }
}

export function assertScaleDown(component: string, scaleDown: ScaleDownIdleSlot | undefined): void {
  if (scaleDown === undefined) return;
  if (!Number.isInteger(scaleDown.afterSeconds) || scaleDown.afterSeconds < 0) {
    throw new ComponentArgsError(component, "scaleDownIdleSlot.afterSeconds", `must be a whole number of seconds >= 0, got ${scaleDown.afterSeconds}`, "e.g. 600 to keep the old slot warm for ten minutes");
  }
}

/** Pure: the capacity a slot runs at, given its weight. Zero only when idle and scale-down is on. */
export function slotCapacity(weight: number, capacity: number, scaleDown: ScaleDownIdleSlot | undefined): number {
  return scaleDown !== undefined && weight === 0 ? 0 : capacity;
}

export function slotCapacities(
  weights: pulumi.Output<Weights>,
  slots: Readonly<Record<Slot, SlotSpec>>,
  scaleDown: ScaleDownIdleSlot | undefined,
): Record<Slot, pulumi.Output<number>> {
  // Without scale-down the capacity is a plain value: a weight change then cannot touch the slot.
  if (scaleDown === undefined) {
    return { blue: pulumi.output(slots.blue.capacity), green: pulumi.output(slots.green.capacity) };
  }
  return {
    blue: weights.apply((w) => slotCapacity(w.blue, slots.blue.capacity, scaleDown)),
    green: weights.apply((w) => slotCapacity(w.green, slots.green.capacity, scaleDown)),
  };
}
