/**
 * Traffic Manager priority routing: the serving site (priority 1) serves while healthy, then the
 * other (2). The endpoints keep their site names; a failover (`serving: "standby"`) swaps the two
 * priorities in one update of the profile (its endpoints are inline, so priorities stay unique).
 */
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as trafficmanager from "@pulumi/azure-native/trafficmanager";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertHealthCheck, HEALTH_DEFAULTS, type HealthCheckSpec } from "../environment/slots";
import { assertDnsFailoverMeetsRto, assertServing, assertStandbyElsewhere, type DrRole, type RecoveryObjectives, type Site } from "./objectives";

const TYPE = "switchyard:dr:TrafficManagerFailover";
const EXTERNAL = "Microsoft.Network/trafficManagerProfiles/externalEndpoints";

export interface TrafficManagerFailoverArgs {
  readonly provider: AzureProvider;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly relativeName: string;
  readonly primary: Site & { readonly host: pulumi.Input<string> };
  readonly standby: Site & { readonly host: pulumi.Input<string> };
  readonly objectives: RecoveryObjectives;
  /** intervalSeconds must be 10 or 30. */
  readonly healthCheck: HealthCheckSpec;
  /** @default 30 */
  readonly ttl?: number;
  /** The site at priority 1; the other gets 2. @default "primary" */
  readonly serving?: DrRole;
}

export function assertTrafficManagerFailoverArgs(args: TrafficManagerFailoverArgs): void {
  assertStandbyElsewhere(TYPE, args.primary, args.standby);
  assertServing(TYPE, args.serving);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
  if (hc.intervalSeconds !== 10 && hc.intervalSeconds !== 30) {
    throw new ComponentArgsError(TYPE, "healthCheck.intervalSeconds", `must be 10 or 30 for Traffic Manager, got ${hc.intervalSeconds}`, "use 10 (fast probing) or 30");
  }
  // Traffic Manager marks an endpoint degraded after tolerated failures + 1 probes.
  assertDnsFailoverMeetsRto(TYPE, args.objectives.rtoSeconds, hc.intervalSeconds, hc.unhealthyThreshold + 1, args.ttl ?? 30);
}

export class TrafficManagerFailover extends pulumi.ComponentResource {
  readonly failover: pulumi.Output<{ name: string; primary: string; standby: string }>;
  readonly profile: trafficmanager.Profile;
  /** URN of the profile: a failover or failback updates only it. */
  readonly routingUrns: pulumi.Output<string[]>;

  constructor(name: string, args: TrafficManagerFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertTrafficManagerFailoverArgs(args);
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const priority = (site: DrRole) => (site === (args.serving ?? "primary") ? 1 : 2);
    this.profile = new trafficmanager.Profile(
      `${name}-profile`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        profileStatus: "Enabled",
        trafficRoutingMethod: "Priority",
        dnsConfig: { relativeName: args.relativeName, ttl: args.ttl ?? 30 },
        monitorConfig: {
          protocol: "HTTPS",
          port: hc.port ?? 443,
          path: hc.path,
          intervalInSeconds: hc.intervalSeconds,
          timeoutInSeconds: hc.timeoutSeconds,
          toleratedNumberOfFailures: hc.unhealthyThreshold,
          expectedStatusCodeRanges: [{ min: 200, max: 299 }],
        },
        endpoints: [
          { name: "primary", type: EXTERNAL, target: args.primary.host, priority: priority("primary"), endpointStatus: "Enabled" },
          { name: "standby", type: EXTERNAL, target: args.standby.host, priority: priority("standby"), endpointStatus: "Enabled" },
        ],
      },
      { parent: this, provider: args.provider },
    );
    this.routingUrns = pulumi.all([this.profile.urn]);
    this.failover = pulumi
      .all([this.profile.dnsConfig, args.primary.host, args.standby.host])
      .apply(([dns, p, s]) => ({ name: dns?.fqdn ?? `${args.relativeName}.trafficmanager.net`, primary: `https://${p}`, standby: `https://${s}` }));
    this.registerOutputs({ failover: this.failover });
  }
}
