/**
 * Blue/green on Azure: per slot an App Service plan and a Linux container web app running the
 * slot's image tag, behind Front Door (per-request weights, default) or Traffic Manager (DNS).
 * A pool per slot rather than deployment slots: slot swaps are actions outside Pulumi's model,
 * and each pool keeps its own capacity.
 */
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { FrontDoorSplit } from "../traffic/azure-front-door";
import { TrafficManagerSplit } from "../traffic/azure-traffic-manager";
import { checkedWeights } from "../traffic/checked-weights";
import type { MechanismKind } from "../../model/mechanism";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertHealthCheck, assertScaledDown, assertSlots, slotCapacities, type HealthCheckSpec, type SlotSpec } from "./slots";

const TYPE = "switchyard:environment:AzureBlueGreenEnvironment";
export const AZURE_TRAFFIC = ["front-door", "traffic-manager"] as const;
export type AzureTraffic = (typeof AZURE_TRAFFIC)[number];

export interface AzureBlueGreenEnvironmentArgs {
  readonly provider: AzureProvider;
  readonly service: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Image repository; a slot's version is the tag. */
  readonly image: string;
  /** `capacity` is the plan's worker count. */
  readonly slots: Readonly<Record<Slot, SlotSpec>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default "front-door" */
  readonly traffic?: AzureTraffic;
  /** App Service plan SKU. @default "P0v3" */
  readonly sku?: string;
  /**
   * App Service has no zero-worker plan: an idle slot scaled down is *stopped* (enabled: false)
   * and its plan keeps one worker.
   * @default undefined
   */
  /** The idle slot the driver scaled down (capacity 0); the driver's, never the stack file's. */
  readonly scaledDown?: Slot;
}

export function assertAzureEnvironmentArgs(args: AzureBlueGreenEnvironmentArgs): void {
  assertSlots(TYPE, args.slots);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  assertScaledDown(TYPE, args.scaledDown);
  if (args.traffic !== undefined && !AZURE_TRAFFIC.includes(args.traffic)) {
    throw new ComponentArgsError(TYPE, "traffic", `unknown mechanism ${JSON.stringify(args.traffic)}`, `use one of ${AZURE_TRAFFIC.join(", ")}`);
  }
  if (!args.image) throw new ComponentArgsError(TYPE, "image", "must not be empty", "give the image, e.g. myregistry.azurecr.io/app");
  if (!args.location) throw new ComponentArgsError(TYPE, "location", "is required", 'give the region, e.g. "westeurope"');
}

export class AzureBlueGreenEnvironment extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly weights: pulumi.Output<Weights>;
  readonly versions: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly capacities: Readonly<Record<Slot, pulumi.Output<number>>>;
  readonly slotEndpoints: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly trafficUrns: pulumi.Output<string[]>;
  /** The kind of traffic split this environment built. */
  readonly mechanism: MechanismKind;

  constructor(name: string, args: AzureBlueGreenEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertAzureEnvironmentArgs(args);
    const weights = checkedWeights(TYPE, args.weights);
    const child = { parent: this, provider: args.provider };
    this.capacities = slotCapacities(TYPE, weights, args.slots, args.scaledDown);
    const hosts: Partial<Record<Slot, pulumi.Output<string>>> = {};
    const versions: Partial<Record<Slot, pulumi.Output<string>>> = {};
    for (const slot of SLOTS) {
      const capacity = this.capacities[slot];
      const plan = new web.AppServicePlan(
        `${name}-${slot}-plan`,
        { resourceGroupName: args.resourceGroupName, location: args.location, kind: "linux", reserved: true, sku: { name: args.sku ?? "P0v3", capacity: capacity.apply((c) => Math.max(1, c)) } },
        child,
      );
      const app = new web.WebApp(
        `${name}-${slot}-app`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          serverFarmId: plan.id,
          httpsOnly: true,
          enabled: capacity.apply((c) => c > 0),
          siteConfig: {
            linuxFxVersion: `DOCKER|${args.image}:${args.slots[slot].version}`,
            healthCheckPath: args.healthCheck.path,
            alwaysOn: true,
            appSettings: [{ name: "SLOT", value: slot }, { name: "VERSION", value: args.slots[slot].version }],
          },
        },
        child,
      );
      hosts[slot] = app.defaultHostName;
      versions[slot] = pulumi.output(args.slots[slot].version);
    }
    const targets = hosts as Record<Slot, pulumi.Output<string>>;
    if ((args.traffic ?? "front-door") === "front-door") {
      const split = new FrontDoorSplit(
        `${name}-traffic`,
        { provider: args.provider, resourceGroupName: args.resourceGroupName, targets, weights, healthCheck: args.healthCheck },
        { parent: this },
      );
      this.weights = split.weights;
      this.endpoint = split.endpoint;
      this.trafficUrns = pulumi.all([split.origins.blue.urn, split.origins.green.urn]);
      this.mechanism = "azure-front-door";
    } else {
      const split = new TrafficManagerSplit(
        `${name}-traffic`,
        { provider: args.provider, resourceGroupName: args.resourceGroupName, relativeName: `${args.service}-bluegreen`, targets, weights, healthCheck: args.healthCheck },
        { parent: this },
      );
      this.weights = split.weights;
      this.endpoint = split.endpoint;
      this.trafficUrns = pulumi.all([split.profile.urn]);
      this.mechanism = "azure-traffic-manager";
    }
    this.versions = versions as Record<Slot, pulumi.Output<string>>;
    this.slotEndpoints = { blue: targets.blue.apply((h) => `https://${h}`), green: targets.green.apply((h) => `https://${h}`) };
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, versions: this.versions, capacities: this.capacities, trafficUrns: this.trafficUrns });
  }
}
