/**
 * The outputs contract: what every stack exports, named as the driver, reports and the policy
 * pack read them. One shape, seen from two sides: the driver reads it resolved (StackOutputs),
 * a target builds it while values may still be Outputs (TargetOutputs).
 */
import type { Input } from "@pulumi/pulumi";
import type { Slot, Weights } from "./weights";

export interface SlotOutputs {
  readonly version: string;
  readonly endpoint?: string;
}

/**
 * A deployed stack's outputs. Every key is optional on this side: a stack deployed by an older
 * version, or never, lacks some, and the driver says so instead of guessing.
 */
export interface StackOutputs {
  /** `switchyard:target` the stack was built for. */
  readonly target?: string;
  readonly service?: string;
  /** Where clients and health checks reach the service. */
  readonly endpoint?: string;
  readonly weights?: Weights;
  readonly slots?: Readonly<Record<Slot, SlotOutputs>>;
  /**
   * URNs of the resources that carry the weights (listener, records, route...). A traffic step
   * is a targeted update of exactly these, so its cost does not grow with the stack.
   */
  readonly trafficUrns?: readonly string[];
  /** Local target: HAProxy's runtime API socket and the backend that holds the slots. */
  readonly trafficSocket?: string;
  readonly trafficBackend?: string;
  /** Kind of the traffic split (model/mechanism.ts MECHANISM_KINDS): which read-back applies. */
  readonly trafficMechanism?: string;
  readonly capacities?: Readonly<Record<Slot, number>>;
}

/**
 * How a program may hand an output over, before the engine resolves it: any value plain, promised
 * or an Output; a per-slot record of objects (slots) spelled out per slot, so that a reader
 * reaches `slots.green.version`.
 */
type Built<T> = T extends readonly (infer E)[]
  ? Input<readonly Input<E>[]>
  : T extends Readonly<Record<Slot, infer V>>
    ? V extends object
      ? { readonly [S in Slot]: { readonly [K in keyof V]: Input<V[K]> } }
      : Input<T> | { readonly [S in Slot]: Input<V> }
    : Input<T>;

/** Keys every target exports; the program adds `target` and `service` itself. */
type Required = "endpoint" | "weights" | "slots";
type Optional = Exclude<keyof StackOutputs, Required | "target" | "service">;

/** What a target's build returns: the same contract, before the engine resolves it. */
export type TargetOutputs = { readonly [K in Required]-?: Built<NonNullable<StackOutputs[K]>> } & {
  readonly [K in Optional]?: Built<NonNullable<StackOutputs[K]>>;
} & {
  /** Anything else the target wants to expose (DR endpoints, replication status, ...). */
  readonly [extra: string]: unknown;
};
