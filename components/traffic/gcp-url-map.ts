/**
 * GCP split: a global external Application LB (EXTERNAL_MANAGED) whose URL map's default route
 * weighs the two slots' backend services. Classic EXTERNAL is not used: its handling of weighted
 * route actions is not documented.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { gcpUrlMap } from "./mechanisms/gcp-url-map";

const TYPE = "switchyard:traffic:UrlMapTrafficSplit";

/** The URL map's backend weights (mechanisms/gcp-url-map.ts). */
export function toUrlMapWeights(w: Weights): Record<Slot, number> {
  assertValidWeights(TYPE, "weights", w);
  return gcpUrlMap.toNative(w);
}

export interface UrlMapTrafficSplitArgs {
  readonly provider: gcp.Provider;
  /** Backend service ids (or self links) per slot; both must use EXTERNAL_MANAGED. */
  readonly backendServices: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly weights: pulumi.Input<Weights>;
  /** @default "80" */
  readonly portRange?: string;
}

export class UrlMapTrafficSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly urlMap: gcp.compute.URLMap;

  constructor(name: string, args: UrlMapTrafficSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const weights = checkedWeights(TYPE, args.weights);
    const child = { parent: this, provider: args.provider };
    // No defaultService: the API rejects it next to weightedBackendServices.
    this.urlMap = new gcp.compute.URLMap(
      `${name}-urlmap`,
      {
        defaultRouteAction: {
          weightedBackendServices: weights.apply((w) => {
            const native = toUrlMapWeights(w);
            return SLOTS.map((slot) => ({ backendService: args.backendServices[slot], weight: native[slot] }));
          }),
        },
      },
      child,
    );
    const proxy = new gcp.compute.TargetHttpProxy(`${name}-proxy`, { urlMap: this.urlMap.id }, child);
    const address = new gcp.compute.GlobalAddress(`${name}-ip`, {}, child);
    const rule = new gcp.compute.GlobalForwardingRule(
      `${name}-rule`,
      { loadBalancingScheme: "EXTERNAL_MANAGED", target: proxy.id, ipAddress: address.address, portRange: args.portRange ?? "80" },
      child,
    );
    this.weights = this.urlMap.defaultRouteAction.apply((action) => {
      const services = action?.weightedBackendServices ?? [];
      return { blue: services[0]?.weight ?? 0, green: services[1]?.weight ?? 0 };
    });
    this.endpoint = pulumi.interpolate`http://${rule.ipAddress}`;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
