/**
 * The outputs contract: what every stack exports, named as the driver, reports and the policy
 * pack read them. One shape, seen from two sides: the driver reads it resolved (StackOutputs),
 * a target builds it while values may still be Outputs (TargetOutputs).
 */
import type { Input } from "@pulumi/pulumi";
import type { Slot, Weights } from "./weights";
import type { RegionPair, RegionWeights } from "./config/dr";

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
  /** Kubernetes target: where its objects are, so that read-back and health ask the API server. */
  readonly kubernetes?: KubernetesOutputs;
  /** A stack with a standby region: what failover, failback, drill and watch act on and read. */
  readonly regions?: RegionsOutputs;
}

/** The Kubernetes objects of a stack, by name; the cluster is the kubeconfig context the provider uses. */
export interface KubernetesOutputs {
  readonly context: string;
  readonly namespace: string;
  readonly deployments: Readonly<Record<Slot, string>>;
  readonly services: Readonly<Record<Slot, string>>;
  /** The HTTPRoute carrying the weights (a Gateway split). */
  readonly route?: string;
  /** The Service whose selector picks the slot (without a Gateway). */
  readonly switchService?: string;
}

/**
 * The two regions of a DR stack. Each region runs the same release (both slots); the regional
 * split (a front HAProxy, DNS failover records, a traffic manager) sends clients to one or both.
 */
export interface RegionsOutputs {
  /** Home region first, as the target defines them. */
  readonly names: RegionPair;
  /** The regional weights as applied (all on the serving region outside a failover in flight). */
  readonly weights: RegionWeights;
  /** Each region's own entry point (bypassing the regional split), for analysis of one region. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** URNs of the resources that carry the regional weights: a failover step updates only these. */
  readonly trafficUrns: readonly string[];
  /** Kind of the regional split, e.g. local-haproxy-regions, aws-route53-failover: which read-back applies. */
  readonly mechanism: string;
  /** Local target: the front HAProxy's runtime API socket and the backend holding the regions. */
  readonly socket?: string;
  readonly backend?: string;
  /** The region whose data replicas take writes; absent when the stack replicates no data. */
  readonly dataPrimary?: string;
  /** URNs of the resources that carry data promotion (a promotion is a targeted update of these). */
  readonly dataUrns?: readonly string[];
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
