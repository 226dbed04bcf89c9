/**
 * The plans a stack declares. Stack policies see resources, not stack config, so the program
 * exports the validated plans as stack outputs; the engine hands a stack policy the root
 * `pulumi:pulumi:Stack` resource with those outputs as its props (verified with CLI 3.274.1,
 * in preview and update). Missing fields stay undefined: the rules say what is missing.
 */
import type { PolicyResource } from "@pulumi/policy";
import { STACK } from "./types";
import { list, num, record, str } from "./values";

export const ROLLOUT_OUTPUT = "rolloutPlan";
export const DR_OUTPUT = "drPlan";

export type Environment = "production" | "staging" | "development";

export interface RolloutPlan {
  readonly environment: Environment | string;
  readonly strategy?: string;
  readonly steps?: readonly number[];
  readonly stepWeight?: number;
  readonly maxWeight?: number;
  readonly bakeSeconds?: number;
  readonly analysisMetrics: number;
  /** The slot that serves all traffic once this run completes and its version; absent when the stack names no active slot. */
  readonly release?: { readonly active?: string; readonly version?: string };
}

export interface Site {
  readonly cloud?: string;
  readonly region?: string;
}

export interface DrPlan {
  /** The home site and the standby, as built. */
  readonly primary: Site;
  readonly standby: Site;
  /** The site taking all traffic in this run (after dr.primary and the driver's failover). */
  readonly serving?: Site;
  /** The site whose data takes writes; absent when no data replicates. */
  readonly dataPrimary?: Site;
  /** Whether a failover promotes the data (switchyard:dr.failover.promoteData). */
  readonly promoteData?: boolean;
  /** Whether regional weights of a failover, failback or drill are in flight. */
  readonly inFlight?: boolean;
  readonly replication?: boolean;
  readonly rpoSeconds?: number;
}

export interface Declared<T> {
  readonly plan: T;
  readonly urn: string;
}

function stackOutput(resources: readonly PolicyResource[], key: string): { value: unknown; urn: string } | undefined {
  const root = resources.find((r) => r.type === STACK);
  if (!root || root.props[key] === undefined) return undefined;
  return { value: root.props[key], urn: root.urn };
}

export function rolloutPlan(resources: readonly PolicyResource[]): Declared<RolloutPlan> | undefined {
  const found = stackOutput(resources, ROLLOUT_OUTPUT);
  if (!found) return undefined;
  const raw = record(found.value);
  const steps = list(raw.steps).map(num).filter((n): n is number => n !== undefined);
  return {
    urn: found.urn,
    plan: {
      environment: str(raw.environment) ?? "development",
      strategy: str(raw.strategy),
      steps: Array.isArray(raw.steps) ? steps : undefined,
      stepWeight: num(raw.stepWeight),
      maxWeight: num(raw.maxWeight),
      bakeSeconds: num(raw.bakeSeconds),
      analysisMetrics: list(record(raw.analysis).metrics).length,
      release: raw.release === undefined ? undefined : { active: str(record(raw.release).active), version: str(record(raw.release).version) },
    },
  };
}

export function drPlan(resources: readonly PolicyResource[]): Declared<DrPlan> | undefined {
  const found = stackOutput(resources, DR_OUTPUT);
  if (!found) return undefined;
  const raw = record(found.value);
  const site = (value: unknown): Site => ({ cloud: str(record(value).cloud), region: str(record(value).region) });
  const optionalSite = (value: unknown): Site | undefined => (value === undefined ? undefined : site(value));
  const bool = (value: unknown) => (typeof value === "boolean" ? value : undefined);
  const replication = record(raw.replication).enabled ?? raw.replication;
  return {
    urn: found.urn,
    plan: {
      primary: site(raw.primary),
      standby: site(raw.standby),
      serving: optionalSite(raw.serving),
      dataPrimary: optionalSite(raw.dataPrimary),
      promoteData: bool(raw.promoteData),
      inFlight: bool(raw.inFlight),
      replication: typeof replication === "boolean" ? replication : undefined,
      rpoSeconds: num(raw.rpoSeconds),
    },
  };
}
