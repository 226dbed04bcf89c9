/**
 * Route 53 failover routing: a PRIMARY and a SECONDARY record of one name, each with a health
 * check. The standby may be in another region or another cloud (an IP or host name).
 *
 * A failover (`serving: "standby"`) points the PRIMARY record at the standby site and the
 * SECONDARY at the home site; each site keeps its own health check. The records keep their roles
 * because Route 53 refuses a second PRIMARY record of a name, even inside one change batch, so
 * flipping each record's type would fail half-way.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertHealthCheck, HEALTH_DEFAULTS, type HealthCheckSpec } from "../environment/slots";
import { assertDnsFailoverMeetsRto, assertServing, assertStandbyElsewhere, type DrRole, type RecoveryObjectives, type Site } from "./objectives";

const TYPE = "switchyard:dr:Route53Failover";

/** An alias to an AWS load balancer, an IPv4 address, or a host name. */
export type FailoverTarget =
  | { readonly alias: { readonly name: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> } }
  | { readonly ip: pulumi.Input<string> }
  | { readonly cname: pulumi.Input<string> };

const recordType = (t: FailoverTarget) => ("cname" in t ? "CNAME" : "A");
/** Alias records take the ELB's TTL (60 s); others take ours. */
const ttlOf = (t: FailoverTarget, ttl: number) => ("alias" in t ? 60 : ttl);

export interface Route53FailoverArgs {
  /** Route 53 is global; the provider is still explicit. */
  readonly provider: aws.Provider;
  readonly zoneId: pulumi.Input<string>;
  readonly recordName: string;
  readonly primary: Site & { readonly target: FailoverTarget };
  readonly standby: Site & { readonly target: FailoverTarget };
  readonly objectives: RecoveryObjectives;
  /** Probed on both sites; intervalSeconds must be 10 or 30 (Route 53's only choices). */
  readonly healthCheck: HealthCheckSpec;
  /** @default "HTTPS" */
  readonly protocol?: "HTTP" | "HTTPS";
  /** @default 60 */
  readonly ttl?: number;
  /** The site the PRIMARY record answers with; the other is the SECONDARY. @default "primary" */
  readonly serving?: DrRole;
}

export function assertRoute53FailoverArgs(args: Route53FailoverArgs): void {
  assertStandbyElsewhere(TYPE, args.primary, args.standby);
  assertServing(TYPE, args.serving);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  const interval = args.healthCheck.intervalSeconds ?? HEALTH_DEFAULTS.intervalSeconds;
  if (interval !== 10 && interval !== 30) {
    throw new ComponentArgsError(TYPE, "healthCheck.intervalSeconds", `must be 10 or 30 for Route 53, got ${interval}`, "use 10 (fast) or 30");
  }
  const threshold = args.healthCheck.unhealthyThreshold ?? HEALTH_DEFAULTS.unhealthyThreshold;
  if (threshold < 1 || threshold > 10) {
    throw new ComponentArgsError(TYPE, "healthCheck.unhealthyThreshold", `must be 1..10, got ${threshold}`, "use e.g. 3");
  }
  if (recordType(args.primary.target) !== recordType(args.standby.target)) {
    throw new ComponentArgsError(TYPE, "standby.target", "must give the same record type as the primary (A: alias or ip; CNAME: cname)", "use an ip or alias for both, or a cname for both");
  }
  const ttl = Math.max(ttlOf(args.primary.target, args.ttl ?? 60), ttlOf(args.standby.target, args.ttl ?? 60));
  assertDnsFailoverMeetsRto(TYPE, args.objectives.rtoSeconds, interval, threshold, ttl);
}

export class Route53Failover extends pulumi.ComponentResource {
  /** Where each role is reached, and the name clients use. */
  readonly failover: pulumi.Output<{ name: string; primary: string; standby: string }>;
  readonly healthCheckIds: Readonly<Record<DrRole, pulumi.Output<string>>>;
  /** URNs of the two records: a failover or failback updates only these. */
  readonly routingUrns: pulumi.Output<string[]>;

  constructor(name: string, args: Route53FailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertRoute53FailoverArgs(args);
    const child = { parent: this, provider: args.provider };
    const protocol = args.protocol ?? "HTTPS";
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const host = (t: FailoverTarget): pulumi.Input<string> => ("alias" in t ? t.alias.name : "ip" in t ? t.ip : t.cname);
    const ids: Partial<Record<DrRole, pulumi.Output<string>>> = {};
    // One health check per site, bound to it for life: a failover moves records, never checks.
    for (const site of ["primary", "standby"] as const) {
      const target = args[site].target;
      const check = new aws.route53.HealthCheck(
        `${name}-${site}-health`,
        {
          type: protocol,
          ...("ip" in target ? { ipAddress: target.ip } : { fqdn: host(target) }),
          port: hc.port ?? (protocol === "HTTPS" ? 443 : 80),
          resourcePath: hc.path,
          requestInterval: hc.intervalSeconds,
          failureThreshold: hc.unhealthyThreshold,
          enableSni: protocol === "HTTPS",
        },
        child,
      );
      ids[site] = check.id;
    }
    const serving = args.serving ?? "primary";
    const siteOf = (role: DrRole): DrRole => (role === "primary" ? serving : serving === "primary" ? "standby" : "primary");
    const records = (["primary", "standby"] as const).map((role) => {
      const site = siteOf(role);
      const target = args[site].target;
      return new aws.route53.Record(
        `${name}-${role}`,
        {
          zoneId: args.zoneId,
          name: args.recordName,
          setIdentifier: role,
          failoverRoutingPolicies: [{ type: role === "primary" ? "PRIMARY" : "SECONDARY" }],
          healthCheckId: ids[site]!,
          ...("alias" in target
            ? { type: "A", aliases: [{ name: target.alias.name, zoneId: target.alias.zoneId, evaluateTargetHealth: true }] }
            : { type: recordType(target), ttl: args.ttl ?? 60, records: ["ip" in target ? target.ip : target.cname] }),
        },
        child,
      );
    });
    this.routingUrns = pulumi.all(records.map((r) => r.urn));
    this.healthCheckIds = ids as Record<DrRole, pulumi.Output<string>>;
    const url = (t: FailoverTarget) => pulumi.output(host(t)).apply((h) => `${protocol.toLowerCase()}://${h}`);
    this.failover = pulumi.all([url(args.primary.target), url(args.standby.target)]).apply(([primary, standby]) => ({ name: args.recordName, primary, standby }));
    this.registerOutputs({ failover: this.failover });
  }
}
