/**
 * The DR vocabulary: a primary and a standby site, recovery objectives, and what a mechanism can
 * promise. Every DR component checks its objectives here, so an RPO no mechanism can meet is an
 * error at preview time rather than a surprise in a drill.
 */
import { ComponentArgsError } from "../errors";

export const CLOUDS = ["aws", "gcp", "azure"] as const;
export type Cloud = (typeof CLOUDS)[number];
export type DrRole = "primary" | "standby";

export interface Site {
  readonly cloud: Cloud;
  /** Region of the cloud, e.g. "us-east-1", "europe-west1", "westeurope". */
  readonly region: string;
}

export interface RecoveryObjectives {
  /** Most data, in seconds of writes, that a failover may lose. */
  readonly rpoSeconds: number;
  /** Longest time, in seconds, until the standby serves. */
  readonly rtoSeconds: number;
}

/**
 * Best figures each mechanism can be relied on for, in seconds. Conservative: the documented
 * SLA where there is one (S3 RTC: 15 min; Azure GRS: 15 min), the usual lag otherwise.
 */
export const MECHANISM_FLOORS = {
  "s3-replication": { rpoSeconds: 900, rtoSeconds: 0 },
  "dynamodb-global-table": { rpoSeconds: 1, rtoSeconds: 0 },
  "aurora-global-database": { rpoSeconds: 1, rtoSeconds: 60 },
  "cloud-sql-replica": { rpoSeconds: 60, rtoSeconds: 300 },
  "azure-sql-failover-group": { rpoSeconds: 5, rtoSeconds: 0 },
  "azure-geo-redundant-storage": { rpoSeconds: 900, rtoSeconds: 0 },
  "gcs-transfer-from-s3": { rpoSeconds: 3600, rtoSeconds: 0 },
} as const satisfies Record<string, RecoveryObjectives>;
export type Mechanism = keyof typeof MECHANISM_FLOORS;

/** What a drill reads to see whether replication is healthy. */
export interface ReplicationStatus {
  readonly mechanism: Mechanism;
  readonly primary: Site & { readonly resource: string };
  readonly standby: Site & { readonly resource: string };
  readonly objectives: RecoveryObjectives;
  /** How to observe the lag: a metric, an API field, a CLI check. */
  readonly check: string;
  /** State as declared (what Pulumi applied); a drill compares the live value with it. */
  readonly declared: string;
}

/**
 * A data promotion (or its reverse) the engine cannot apply through a resource property, because
 * the platform exposes it only as an action: the driver (or the operator) runs `command` when the
 * data primary moves to `region`, then the next engine run adopts the result.
 */
export interface ManualPromotion {
  readonly mechanism: Mechanism;
  /** The region that becomes the data primary by this action. */
  readonly region: string;
  readonly command: string;
  readonly why: string;
}

export function assertStandbyElsewhere(component: string, primary: Site, standby: Site): void {
  for (const [field, site] of [["primary", primary], ["standby", standby]] as const) {
    if (!site || !CLOUDS.includes(site.cloud)) {
      throw new ComponentArgsError(component, `${field}.cloud`, `unknown cloud ${JSON.stringify(site?.cloud)}`, `use one of ${CLOUDS.join(", ")}`);
    }
    if (!site.region) throw new ComponentArgsError(component, `${field}.region`, "is required", "name the region of this site");
  }
  if (primary.cloud === standby.cloud && primary.region === standby.region) {
    throw new ComponentArgsError(
      component,
      "standby.region",
      `is the primary's own region (${primary.cloud} ${primary.region}); a regional outage would take both`,
      "put the standby in another region or another cloud",
    );
  }
}

/** Which site a failover route serves from: one of the two, by role. */
export function assertServing(component: string, serving: DrRole | undefined): void {
  if (serving !== undefined && serving !== "primary" && serving !== "standby") {
    throw new ComponentArgsError(component, "serving", `must be "primary" or "standby", got ${JSON.stringify(serving)}`, "name the site that takes all traffic");
  }
}

export function assertSameCloud(component: string, cloud: Cloud, primary: Site, standby: Site): void {
  for (const [field, site] of [["primary", primary], ["standby", standby]] as const) {
    if (site.cloud !== cloud) {
      throw new ComponentArgsError(component, `${field}.cloud`, `must be ${cloud} for this mechanism, got ${site.cloud}`, "use a cross-cloud mechanism for a standby in another cloud");
    }
  }
}

export function assertObjectives(component: string, mechanism: Mechanism, objectives: RecoveryObjectives | undefined): asserts objectives is RecoveryObjectives {
  if (!objectives) throw new ComponentArgsError(component, "objectives", "are required", "give { rpoSeconds, rtoSeconds } targets");
  for (const key of ["rpoSeconds", "rtoSeconds"] as const) {
    const v = objectives[key];
    if (!Number.isInteger(v) || v < 0) throw new ComponentArgsError(component, `objectives.${key}`, `must be a whole number of seconds >= 0, got ${v}`, "e.g. 900");
  }
  const floor = MECHANISM_FLOORS[mechanism];
  if (objectives.rpoSeconds < floor.rpoSeconds) {
    throw new ComponentArgsError(component, "objectives.rpoSeconds", `${objectives.rpoSeconds} s is below what ${mechanism} can promise (${floor.rpoSeconds} s)`, `accept an RPO of at least ${floor.rpoSeconds} s or choose a synchronous mechanism`);
  }
  if (objectives.rtoSeconds < floor.rtoSeconds) {
    throw new ComponentArgsError(component, "objectives.rtoSeconds", `${objectives.rtoSeconds} s is below what ${mechanism} can promise (${floor.rtoSeconds} s)`, `accept an RTO of at least ${floor.rtoSeconds} s`);
  }
}

/** DNS failover is as slow as detection plus caches: interval x failures + TTL. */
export function dnsFailoverSeconds(intervalSeconds: number, failureThreshold: number, ttlSeconds: number): number {
  return intervalSeconds * failureThreshold + ttlSeconds;
}

export function assertDnsFailoverMeetsRto(component: string, rtoSeconds: number, intervalSeconds: number, failureThreshold: number, ttlSeconds: number): void {
  const worst = dnsFailoverSeconds(intervalSeconds, failureThreshold, ttlSeconds);
  if (worst > rtoSeconds) {
    throw new ComponentArgsError(
      component,
      "objectives.rtoSeconds",
      `${rtoSeconds} s cannot be met: detection (${intervalSeconds} s x ${failureThreshold}) plus TTL ${ttlSeconds} s takes up to ${worst} s`,
      "lower the TTL or the failure threshold, probe faster, or accept a longer RTO",
    );
  }
}
