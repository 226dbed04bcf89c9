/**
 * Blue/green on GCP: per slot a Cloud Run service (its own revision of the slot's image), a
 * serverless NEG and a backend service; a global external Application LB's URL map weighs them.
 * Serverless backends take no LB health check: each slot's health check becomes its containers'
 * startup and liveness probes, so a revision that fails them never becomes ready.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { checkedWeights } from "../traffic/checked-weights";
import { UrlMapTrafficSplit } from "../traffic/gcp-url-map";
import type { MechanismKind } from "../../model/mechanism";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertHealthCheck, assertScaledDown, assertSlots, HEALTH_DEFAULTS, slotCapacities, type HealthCheckSpec, type SlotSpec } from "./slots";

const TYPE = "switchyard:environment:GcpBlueGreenEnvironment";

export interface GcpBlueGreenEnvironmentArgs {
  /** Provider of the environment's project and region. */
  readonly provider: gcp.Provider;
  readonly service: string;
  readonly region: string;
  /** Image repository; a slot's version is the tag. */
  readonly image: string;
  /** `capacity` is the number of warm (minimum) instances of the slot. */
  readonly slots: Readonly<Record<Slot, SlotSpec>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Upper bound of instances per slot. @default 10 */
  readonly maxInstances?: number;
  /** @default undefined (idle slots keep their warm instances) */
  /** The idle slot the driver scaled down (capacity 0); the driver's, never the stack file's. */
  readonly scaledDown?: Slot;
}

export function assertGcpEnvironmentArgs(args: GcpBlueGreenEnvironmentArgs): void {
  assertSlots(TYPE, args.slots);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  assertScaledDown(TYPE, args.scaledDown);
  if (!args.image) throw new ComponentArgsError(TYPE, "image", "must not be empty", "give the image repository, e.g. us-docker.pkg.dev/project/repo/app");
  if (!args.region) throw new ComponentArgsError(TYPE, "region", "is required", 'give the Cloud Run region, e.g. "us-central1"');
  const max = args.maxInstances ?? 10;
  for (const slot of SLOTS) {
    if (args.slots[slot].capacity > max) {
      throw new ComponentArgsError(TYPE, `slots.${slot}.capacity`, `(${args.slots[slot].capacity} warm instances) exceeds maxInstances (${max})`, "raise maxInstances or lower the capacity");
    }
  }
}

export class GcpBlueGreenEnvironment extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly weights: pulumi.Output<Weights>;
  readonly versions: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly capacities: Readonly<Record<Slot, pulumi.Output<number>>>;
  readonly slotEndpoints: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly split: UrlMapTrafficSplit;
  readonly trafficUrns: pulumi.Output<string[]>;
  /** The kind of traffic split this environment built. */
  readonly mechanism: MechanismKind;

  constructor(name: string, args: GcpBlueGreenEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertGcpEnvironmentArgs(args);
    const weights = checkedWeights(TYPE, args.weights);
    const child = { parent: this, provider: args.provider };
    const port = args.containerPort ?? 8080;
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const probe = {
      httpGet: { path: hc.path, port: hc.port ?? port },
      periodSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      failureThreshold: hc.unhealthyThreshold,
    };
    this.capacities = slotCapacities(TYPE, weights, args.slots, args.scaledDown);
    const backends: Partial<Record<Slot, pulumi.Output<string>>> = {};
    const slotEndpoints: Partial<Record<Slot, pulumi.Output<string>>> = {};
    const versions: Partial<Record<Slot, pulumi.Output<string>>> = {};
    for (const slot of SLOTS) {
      const version = args.slots[slot].version;
      const run = new gcp.cloudrunv2.Service(
        `${name}-${slot}-run`,
        {
          name: `${args.service}-${slot}`,
          location: args.region,
          deletionProtection: false,
          // Only the load balancer reaches the slots; it does not carry an identity token.
          ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
          invokerIamDisabled: true,
          template: {
            scaling: { minInstanceCount: this.capacities[slot], maxInstanceCount: args.maxInstances ?? 10 },
            containers: [
              {
                image: `${args.image}:${version}`,
                ports: { containerPort: port },
                envs: [{ name: "SLOT", value: slot }, { name: "VERSION", value: version }],
                startupProbe: probe,
                livenessProbe: probe,
              },
            ],
          },
        },
        child,
      );
      const neg = new gcp.compute.RegionNetworkEndpointGroup(
        `${name}-${slot}-neg`,
        { region: args.region, networkEndpointType: "SERVERLESS", cloudRun: { service: run.name } },
        child,
      );
      const backend = new gcp.compute.BackendService(
        `${name}-${slot}-backend`,
        { loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS", backends: [{ group: neg.id }] },
        child,
      );
      backends[slot] = backend.id;
      slotEndpoints[slot] = run.uri;
      versions[slot] = pulumi.output(version);
    }
    this.split = new UrlMapTrafficSplit(
      `${name}-traffic`,
      { provider: args.provider, backendServices: backends as Record<Slot, pulumi.Output<string>>, weights },
      { parent: this },
    );
    this.versions = versions as Record<Slot, pulumi.Output<string>>;
    this.slotEndpoints = slotEndpoints as Record<Slot, pulumi.Output<string>>;
    this.weights = this.split.weights;
    this.endpoint = this.split.endpoint;
    this.trafficUrns = pulumi.all([this.split.urlMap.urn]);
    this.mechanism = "gcp-url-map";
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, versions: this.versions, capacities: this.capacities, trafficUrns: this.trafficUrns });
  }
}
