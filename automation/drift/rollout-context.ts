/**
 * What a rollout in progress makes expected. The driver moves traffic by writing config and
 * running a targeted update, so mid-rollout the traffic resources' weights may differ from a
 * checked-out stack file or, during a step, from state: those changes are the rollout's, shown
 * but not alarmed. Only weights the rollout passes through count; anything else is still drift.
 */
import type { Slot, Weights } from "../../model/weights";
import { isActive, type RolloutRecord } from "../rollout/record";
import { weightsFor } from "../rollout/runner";
import { pathSegments } from "./ignore";

export interface RolloutContext {
  readonly id: string;
  readonly status: string;
  readonly weights: Weights;
  /** Per slot, every weight this rollout sets on its way (plan steps, start, rollback). */
  readonly allowed: Readonly<Record<Slot, readonly number[]>>;
  /** URNs of the resources that carry the weights (the program's `trafficUrns` output). */
  readonly trafficUrns: readonly string[];
}

export function rolloutContext(record: RolloutRecord | undefined, trafficUrns: readonly string[]): RolloutContext | undefined {
  if (!isActive(record)) return undefined;
  const all: Weights[] = [
    record.weights,
    weightsFor(record.canarySlot, 0),
    weightsFor(record.canarySlot, 100),
    ...record.plan.map((step) => weightsFor(record.canarySlot, step.weight)),
  ];
  const values = (slot: Slot) => [...new Set(all.map((w) => w[slot]))].sort((a, b) => a - b);
  return { id: record.id, status: record.status, weights: record.weights, allowed: { blue: values("blue"), green: values("green") }, trafficUrns };
}

/** True when a change at `path` to `value` on resource `urn` is one the rollout makes. */
export function isRolloutChange(ctx: RolloutContext | undefined, urn: string, type: string, path: string | undefined, value: unknown): boolean {
  if (!ctx || path === undefined) return false;
  const traffic = ctx.trafficUrns.length > 0 ? ctx.trafficUrns.includes(urn) : /Weights$/.test(type);
  if (!traffic) return false;
  const segments = pathSegments(path);
  if (!segments.some((s) => /weight/i.test(s))) return false;
  // `weights.<slot>` (the common vocabulary) is checked against the plan; a native path of a cloud
  // mechanism names no slot, and its range differs, so any weight change there is the rollout's.
  const slot = segments.find((s): s is Slot => s === "blue" || s === "green");
  if (!slot) return true;
  return typeof value === "number" && ctx.allowed[slot].includes(value);
}
