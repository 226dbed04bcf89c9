/**
 * Cloud Run split: one service, two named revisions (`<service>-blue-<n>`, `<service>-green-<n>`),
 * traffic shared by percent. The template holds the revision deployed last (`templateSlot`); the
 * other slot's revision must already exist, i.e. it was the template of an earlier update (Cloud Run
 * keeps a revision while traffic names it). A new service therefore starts with both slots on the
 * same version, or deploys each slot once before splitting.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import type { HealthCheckSpec } from "../environment/slots";
import { assertHealthCheck } from "../environment/slots";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { gcpCloudRun } from "./mechanisms/gcp-cloud-run";

const TYPE = "switchyard:traffic:CloudRunTrafficSplit";

export interface CloudRunTrafficEntry {
  readonly type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
  readonly revision: string;
  readonly percent: number;
  readonly tag: Slot;
}

/**
 * Cloud Run takes whole percents summing to 100. Both slots keep an entry (with a tag, so each
 * slot has its own URL for smoke tests) so that a weight step changes nothing but `percent`.
 */
export function toCloudRunTraffic(w: Weights, revisions: Readonly<Record<Slot, string>>): CloudRunTrafficEntry[] {
  assertValidWeights(TYPE, "weights", w);
  const percent = gcpCloudRun.toNative(w);
  return SLOTS.map((slot) => ({ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: revisions[slot], percent: percent[slot], tag: slot }));
}

/** Revision names must be DNS labels; the version becomes a lowercase, dash-only suffix. */
export function revisionName(service: string, slot: Slot, version: string): string {
  const suffix = version.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  const name = `${service}-${slot}-${suffix}`;
  if (suffix.length === 0 || name.length > 63) {
    throw new ComponentArgsError(TYPE, `slots.${slot}.version`, `gives revision name "${name}", which is not a DNS label of at most 63 characters`, "use a shorter service name or version");
  }
  return name;
}

export interface CloudRunTrafficSplitArgs {
  readonly provider: gcp.Provider;
  readonly service: string;
  readonly region: string;
  /** Image repository; the slot's version is its tag. */
  readonly image: string;
  readonly versions: Readonly<Record<Slot, string>>;
  /** The slot whose revision this update deploys. */
  readonly templateSlot: Slot;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Max instances across the revisions that receive traffic. @default 10 */
  readonly maxInstances?: number;
}

export class CloudRunTrafficSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly service: gcp.cloudrunv2.Service;
  readonly revisions: Readonly<Record<Slot, string>>;

  constructor(name: string, args: CloudRunTrafficSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
    if (!SLOTS.includes(args.templateSlot)) {
      throw new ComponentArgsError(TYPE, "templateSlot", `must be blue or green, got ${JSON.stringify(args.templateSlot)}`, "name the slot this update deploys");
    }
    const weights = checkedWeights(TYPE, args.weights);
    this.revisions = { blue: revisionName(args.service, "blue", args.versions.blue), green: revisionName(args.service, "green", args.versions.green) };
    const port = args.containerPort ?? 8080;
    const probe = {
      httpGet: { path: args.healthCheck.path, port: args.healthCheck.port ?? port },
      periodSeconds: args.healthCheck.intervalSeconds ?? 10,
      timeoutSeconds: args.healthCheck.timeoutSeconds ?? 5,
      failureThreshold: args.healthCheck.unhealthyThreshold ?? 3,
    };
    this.service = new gcp.cloudrunv2.Service(
      `${name}-service`,
      {
        name: args.service,
        location: args.region,
        deletionProtection: false,
        ingress: "INGRESS_TRAFFIC_ALL",
        template: {
          revision: this.revisions[args.templateSlot],
          scaling: { minInstanceCount: 0, maxInstanceCount: args.maxInstances ?? 10 },
          containers: [
            {
              image: `${args.image}:${args.versions[args.templateSlot]}`,
              ports: { containerPort: port },
              startupProbe: probe,
              livenessProbe: probe,
            },
          ],
        },
        traffics: weights.apply((w) => toCloudRunTraffic(w, this.revisions)),
      },
      { parent: this, provider: args.provider },
    );
    this.weights = this.service.traffics.apply((entries) => {
      const percentOf = (slot: Slot) => entries?.find((e) => e.tag === slot)?.percent ?? 0;
      return { blue: percentOf("blue"), green: percentOf("green") };
    });
    this.endpoint = this.service.uri;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
