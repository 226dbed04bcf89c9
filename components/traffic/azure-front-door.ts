/**
 * Azure Front Door Standard/Premium split: one origin group, one origin per slot at the same
 * priority (weights only split among origins of the lowest healthy priority).
 */
import * as cdn from "@pulumi/azure-native/cdn";
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import type { HealthCheckSpec } from "../environment/slots";
import { assertHealthCheck } from "../environment/slots";
import { checkedWeights } from "./checked-weights";
import { type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { azureFrontDoor, type FrontDoorOriginState } from "./mechanisms/azure-front-door";

const TYPE = "switchyard:traffic:FrontDoorSplit";

/** The origins' weights and states (mechanisms/azure-front-door.ts: no zero, a 0 % slot is disabled). */
export function toFrontDoorOrigins(w: Weights): Record<Slot, FrontDoorOriginState> {
  assertValidWeights(TYPE, "weights", w);
  return azureFrontDoor.toNative(w);
}

export interface FrontDoorSplitArgs {
  readonly provider: AzureProvider;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Host names of the two slots. */
  readonly targets: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default "Standard_AzureFrontDoor" */
  readonly sku?: "Standard_AzureFrontDoor" | "Premium_AzureFrontDoor";
}

export class FrontDoorSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly origins: Readonly<Record<Slot, cdn.AFDOrigin>>;

  constructor(name: string, args: FrontDoorSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
    const weights = checkedWeights(TYPE, args.weights);
    const native = weights.apply(toFrontDoorOrigins);
    const child = { parent: this, provider: args.provider };
    const rg = args.resourceGroupName;
    const profile = new cdn.Profile(`${name}-profile`, { resourceGroupName: rg, location: "global", sku: { name: args.sku ?? "Standard_AzureFrontDoor" } }, child);
    const endpoint = new cdn.AFDEndpoint(`${name}-endpoint`, { resourceGroupName: rg, profileName: profile.name, location: "global", enabledState: "Enabled" }, child);
    // Session affinity off: it pins clients, and the observed split would lag the configured one.
    const group = new cdn.AFDOriginGroup(
      `${name}-origins`,
      {
        resourceGroupName: rg,
        profileName: profile.name,
        sessionAffinityState: "Disabled",
        loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
        healthProbeSettings: { probePath: args.healthCheck.path, probeProtocol: "Https", probeRequestType: "GET", probeIntervalInSeconds: Math.max(5, args.healthCheck.intervalSeconds ?? 10) },
      },
      child,
    );
    const origin = (slot: Slot) =>
      new cdn.AFDOrigin(
        `${name}-${slot}`,
        {
          resourceGroupName: rg,
          profileName: profile.name,
          originGroupName: group.name,
          hostName: args.targets[slot],
          originHostHeader: args.targets[slot],
          httpsPort: 443,
          priority: 1,
          weight: native[slot].weight,
          enabledState: native[slot].enabledState,
        },
        child,
      );
    this.origins = { blue: origin("blue"), green: origin("green") };
    new cdn.Route(
      `${name}-route`,
      {
        resourceGroupName: rg,
        profileName: profile.name,
        endpointName: endpoint.name,
        originGroup: { id: group.id },
        patternsToMatch: ["/*"],
        supportedProtocols: ["Https"],
        forwardingProtocol: "HttpsOnly",
        httpsRedirect: "Enabled",
        linkToDefaultDomain: "Enabled",
      },
      // The route needs both origins in the group before it can serve.
      { ...child, dependsOn: [this.origins.blue, this.origins.green] },
    );
    const pct = (o: cdn.AFDOrigin) => pulumi.all([o.weight, o.enabledState]).apply(([weight, state]) => (state === "Disabled" ? 0 : (weight ?? 0)));
    this.weights = pulumi.all([pct(this.origins.blue), pct(this.origins.green)]).apply(([blue, green]) => ({ blue, green }));
    this.endpoint = pulumi.interpolate`https://${endpoint.hostName}`;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
