/**
 * What the health check observed of a deployed stack, and what it concluded. Observations are
 * plain data gathered by the probes (probes.ts, collect.ts); the verdict is a pure function of
 * them (assess.ts), so every rule is table-tested without a running service.
 */
import type { Slot, Weights } from "../../model/weights";
import type { KubernetesOutputs } from "../../model/outputs";

export type Verdict = "healthy" | "degraded" | "down";

/** One answer of an HTTP endpoint; `status` undefined means nothing answered. */
export interface Answer {
  readonly status?: number;
  /** The slot and version the body names (the sample service's JSON), when it names them. */
  readonly slot?: string;
  readonly version?: string;
  /** Why nothing answered (refused, timeout...). */
  readonly error?: string;
}

export interface ServerObservation {
  /** HAProxy's `show stat` status: UP, DOWN, MAINT, DRAIN, "no check"... */
  readonly status: string;
  readonly weight: number;
}

export interface ProcessObservation {
  /** The pid state records; undefined when state has no such process. */
  readonly pid?: number;
  readonly alive: boolean;
}

/** A slot's Deployment as the API server reports it. */
export interface DeploymentObservation {
  /** spec.replicas */
  readonly replicas: number;
  /** status.readyReplicas (absent: 0) */
  readonly ready: number;
  /** The first container's image. */
  readonly image?: string;
}

/** The Kubernetes target's objects as the API server reports them. */
export interface KubernetesObservation {
  readonly names: KubernetesOutputs;
  /** The API server could not be read: why. */
  readonly error?: string;
  /** null: the Deployment is gone. */
  readonly deployments: Partial<Record<Slot, DeploymentObservation | null>>;
  /** false: the Service is gone. */
  readonly services: Partial<Record<Slot, boolean>>;
  /** The route's Accepted condition from its first parent; absent without a route, or when the route is gone (the weights' read-back says so). */
  readonly routeAccepted?: { readonly status: string; readonly reason?: string; readonly message?: string } | null;
}

export interface Observations {
  readonly target: string;
  /** The public endpoint and its answers; undefined when the stack has no endpoint output. */
  readonly endpoint?: { readonly url: string; readonly answers: readonly Answer[] };
  /** What state says should serve. */
  readonly declared: {
    readonly weights?: Weights;
    readonly versions: Partial<Record<Slot, string>>;
    /** Slots that run a workload (a scaled-down slot runs none and takes no traffic). */
    readonly running: readonly Slot[];
  };
  /** True when every answer must name its slot (the local sample service does; a cloud app may not). */
  readonly answersNameSlot: boolean;
  /** Local target: HAProxy's servers as its runtime API reports them, or why it could not be read. */
  readonly proxy?: { readonly servers: Partial<Record<Slot, ServerObservation>> } | { readonly error: string };
  readonly proxyProcess?: ProcessObservation;
  /** Local: HAProxy's configuration file against the digest state declares; a reload would serve what is on disk. */
  readonly proxyConfig?: { readonly path: string; readonly found: "as-declared" | "differs" | "missing" };
  /** Local target: each slot's workload process and its own answer to /healthz. */
  readonly workloads?: Partial<Record<Slot, { readonly process?: ProcessObservation; readonly answer?: Answer; readonly url?: string }>>;
  /** Weights read back from the data plane; undefined when this target cannot be read. */
  readonly liveWeights?: Weights;
  /** Why the live weights could not be read, when this target can be read and the read failed. */
  readonly liveWeightsError?: string;
  /** Kubernetes target: its objects as the API server reports them. */
  readonly kubernetes?: KubernetesObservation;
  /** Replicas or instances per slot as state records them. */
  readonly capacities?: Partial<Record<Slot, number>>;
  /**
   * A rollout in progress and every split it may have in flight (its recorded weights, its current
   * step, back on stable): these explain live weights that differ from state for a moment.
   */
  readonly rollout?: { readonly id: string; readonly inFlight: readonly Weights[] };
  readonly engine: {
    /** Who holds the engine's lock on the stack; `stale` when that process no longer runs. */
    readonly lock?: { readonly holder: string; readonly stale: boolean };
    /** False when this backend's locks cannot be read from here. */
    readonly lockChecked: boolean;
    /** Operations an interrupted update left pending in state, in words. */
    readonly pending: readonly string[];
  };
}

export type FindingLevel = "down" | "degraded" | "note";

export interface Finding {
  readonly level: FindingLevel;
  /** What it is about: endpoint, haproxy, blue, green, weights, engine. */
  readonly subject: string;
  readonly message: string;
  readonly fix?: string;
}

export interface HealthAssessment {
  readonly verdict: Verdict;
  /** What makes it not healthy, worst first. */
  readonly problems: readonly Finding[];
  /** Worth knowing, verdict unchanged (a lock, an interrupted update, what could not be read). */
  readonly notes: readonly Finding[];
  /** The weights the data plane serves, read back (HAProxy's runtime API on the local target); absent when not readable. */
  readonly live_weights?: Weights;
}
