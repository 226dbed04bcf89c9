/**
 * Cloud DNS primary/backup routing: answers with the primary's address while the Google health
 * check passes, with the backup's otherwise. Health-checked external endpoints need a public zone.
 * A failover (`serving: "standby"`) swaps the two sites inside the one record set: the standby's
 * address becomes the primary target, the home site's the health-checked backup.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertHealthCheck, HEALTH_DEFAULTS, type HealthCheckSpec } from "../environment/slots";
import { assertDnsFailoverMeetsRto, assertServing, assertStandbyElsewhere, type DrRole, type RecoveryObjectives, type Site } from "./objectives";

const TYPE = "switchyard:dr:CloudDnsFailover";

export interface CloudDnsFailoverArgs {
  readonly provider: gcp.Provider;
  readonly managedZone: pulumi.Input<string>;
  /** Fully qualified, with the trailing dot, e.g. "app.example.com.". */
  readonly recordName: string;
  readonly primary: Site & { readonly ip: pulumi.Input<string> };
  readonly standby: Site & { readonly ip: pulumi.Input<string> };
  readonly objectives: RecoveryObjectives;
  readonly healthCheck: HealthCheckSpec;
  /** Regions the probes run from (Google requires three). @default us-central1, us-east1, europe-west1 */
  readonly probeRegions?: readonly [string, string, string];
  /** @default 30 */
  readonly ttl?: number;
  /**
   * GCP region whose resolvers are served the backup (Cloud DNS keys backups by the querying
   * region; others get the nearest). @default the backup site's region when it is on GCP
   */
  readonly backupLocation?: string;
  /** The site answered while healthy; the other is the backup. @default "primary" */
  readonly serving?: DrRole;
}

const other = (role: DrRole): DrRole => (role === "primary" ? "standby" : "primary");

export function assertCloudDnsFailoverArgs(args: CloudDnsFailoverArgs): void {
  assertStandbyElsewhere(TYPE, args.primary, args.standby);
  assertServing(TYPE, args.serving);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  if (!args.recordName?.endsWith(".")) {
    throw new ComponentArgsError(TYPE, "recordName", `must end with a dot, got ${JSON.stringify(args.recordName)}`, `use "${args.recordName ?? "app.example.com"}."`);
  }
  const backup = args[other(args.serving ?? "primary")];
  if (backup.cloud !== "gcp" && !args.backupLocation) {
    throw new ComponentArgsError(TYPE, "backupLocation", `is required when ${backup === args.standby ? "the standby" : "the backup (the primary site, after a failover)"} is on ${backup.cloud}`, 'name the GCP region the backup serves, e.g. "us-east1"');
  }
  const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
  assertDnsFailoverMeetsRto(TYPE, args.objectives.rtoSeconds, hc.intervalSeconds, hc.unhealthyThreshold, args.ttl ?? 30);
}

export class CloudDnsFailover extends pulumi.ComponentResource {
  readonly failover: pulumi.Output<{ name: string; primary: string; standby: string }>;
  readonly healthCheckId: pulumi.Output<string>;
  /** URN of the record set: a failover or failback updates only it. */
  readonly routingUrns: pulumi.Output<string[]>;

  constructor(name: string, args: CloudDnsFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertCloudDnsFailoverArgs(args);
    const child = { parent: this, provider: args.provider };
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const check = new gcp.compute.HealthCheck(
      `${name}-health`,
      {
        checkIntervalSec: hc.intervalSeconds,
        timeoutSec: hc.timeoutSeconds,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold,
        httpHealthCheck: { port: hc.port ?? 80, requestPath: hc.path },
        sourceRegions: [...(args.probeRegions ?? ["us-central1", "us-east1", "europe-west1"])],
      },
      child,
    );
    const serving = args[args.serving ?? "primary"];
    const backup = args[other(args.serving ?? "primary")];
    const record = new gcp.dns.RecordSet(
      `${name}-record`,
      {
        managedZone: args.managedZone,
        name: args.recordName,
        type: "A",
        ttl: args.ttl ?? 30,
        routingPolicy: {
          healthCheck: check.id,
          primaryBackup: {
            trickleRatio: 0, // no share for the backup while the primary is healthy
            primary: { externalEndpoints: [serving.ip] },
            backupGeos: [{ location: args.backupLocation ?? backup.region, healthCheckedTargets: { externalEndpoints: [backup.ip] } }],
          },
        },
      },
      child,
    );
    this.healthCheckId = check.id;
    this.routingUrns = pulumi.all([record.urn]);
    this.failover = pulumi.all([args.primary.ip, args.standby.ip]).apply(([p, s]) => ({ name: args.recordName, primary: `http://${p}`, standby: `http://${s}` }));
    this.registerOutputs({ failover: this.failover });
  }
}
