/**
 * Azure Traffic Manager split (DNS, weighted). Endpoints are declared inline on the profile, so a
 * weight step is one in-place PUT of one resource. (Never mix inline and standalone endpoints.)
 */
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as trafficmanager from "@pulumi/azure-native/trafficmanager";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import type { HealthCheckSpec } from "../environment/slots";
import { assertHealthCheck } from "../environment/slots";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { azureTrafficManager, type TrafficManagerEndpointState } from "./mechanisms/azure-traffic-manager";

const TYPE = "switchyard:traffic:TrafficManagerSplit";
const EXTERNAL = "Microsoft.Network/trafficManagerProfiles/externalEndpoints";

/** The endpoints' weights and states (mechanisms/azure-traffic-manager.ts: no zero, a 0 % slot is disabled). */
export function toTrafficManagerEndpoints(w: Weights): Record<Slot, TrafficManagerEndpointState> {
  assertValidWeights(TYPE, "weights", w);
  return azureTrafficManager.toNative(w);
}

/** Inverse of the mapping, for reading the profile's state back into common weights. */
export function fromTrafficManagerEndpoints(states: Readonly<Record<Slot, TrafficManagerEndpointState>>): Weights {
  const pct = (s: TrafficManagerEndpointState) => (s.endpointStatus === "Disabled" ? 0 : s.weight);
  return { blue: pct(states.blue), green: pct(states.green) };
}

export interface TrafficManagerSplitArgs {
  readonly provider: AzureProvider;
  readonly resourceGroupName: pulumi.Input<string>;
  /** DNS label under trafficmanager.net; globally unique. */
  readonly relativeName: string;
  /** Host names of the two slots. */
  readonly targets: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default "HTTPS" */
  readonly probeProtocol?: "HTTP" | "HTTPS";
  /** @default 30 */
  readonly ttl?: number;
}

export function assertTrafficManagerArgs(args: TrafficManagerSplitArgs): void {
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  if (!/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/.test(args.relativeName ?? "")) {
    throw new ComponentArgsError(TYPE, "relativeName", `must be a DNS label, got ${JSON.stringify(args.relativeName)}`, 'use e.g. "checkout-bluegreen"');
  }
  // Traffic Manager only probes every 10 s (fast) or 30 s.
  const interval = args.healthCheck.intervalSeconds ?? 10;
  if (interval !== 10 && interval !== 30) {
    throw new ComponentArgsError(TYPE, "healthCheck.intervalSeconds", `must be 10 or 30 for Traffic Manager, got ${interval}`, "use 10 (fast probing) or 30");
  }
}

export class TrafficManagerSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly profile: trafficmanager.Profile;

  constructor(name: string, args: TrafficManagerSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertTrafficManagerArgs(args);
    const weights = checkedWeights(TYPE, args.weights);
    const protocol = args.probeProtocol ?? "HTTPS";
    const hc = args.healthCheck;
    this.profile = new trafficmanager.Profile(
      `${name}-profile`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        profileStatus: "Enabled",
        trafficRoutingMethod: "Weighted",
        dnsConfig: { relativeName: args.relativeName, ttl: args.ttl ?? 30 },
        monitorConfig: {
          protocol,
          port: hc.port ?? (protocol === "HTTPS" ? 443 : 80),
          path: hc.path,
          intervalInSeconds: hc.intervalSeconds ?? 10,
          timeoutInSeconds: hc.timeoutSeconds ?? 5,
          toleratedNumberOfFailures: hc.unhealthyThreshold ?? 3,
          expectedStatusCodeRanges: [{ min: 200, max: 299 }],
        },
        endpoints: weights.apply((w) => {
          const native = toTrafficManagerEndpoints(w);
          return SLOTS.map((slot) => ({ name: slot, type: EXTERNAL, target: args.targets[slot], ...native[slot] }));
        }),
      },
      { parent: this, provider: args.provider },
    );
    this.weights = this.profile.endpoints.apply((endpoints) => {
      const state = (slot: Slot): TrafficManagerEndpointState => {
        const e = endpoints?.find((x) => x.name === slot);
        return { weight: e?.weight ?? 0, endpointStatus: e?.endpointStatus === "Enabled" ? "Enabled" : "Disabled" };
      };
      return fromTrafficManagerEndpoints({ blue: state("blue"), green: state("green") });
    });
    this.endpoint = this.profile.dnsConfig.apply((d) => `${protocol.toLowerCase()}://${d?.fqdn ?? `${args.relativeName}.trafficmanager.net`}`);
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
