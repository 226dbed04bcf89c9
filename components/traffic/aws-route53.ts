/** Route 53 split: two weighted records of one name, one per slot. DNS weights act per resolution. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { awsRoute53 } from "./mechanisms/aws-route53";

const TYPE = "switchyard:traffic:Route53WeightedSplit";

/** The records' weights (mechanisms/aws-route53.ts). */
export function toRoute53Weights(w: Weights): Record<Slot, number> {
  assertValidWeights(TYPE, "weights", w);
  return awsRoute53.toNative(w);
}

/** Either an alias to a load balancer (A record) or a host name (CNAME). Both slots use the same kind. */
export type Route53Target =
  | { readonly alias: { readonly name: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> } }
  | { readonly cname: pulumi.Input<string> };

export interface Route53WeightedSplitArgs {
  /** Route 53 is global; the provider still is explicit. */
  readonly provider: aws.Provider;
  readonly zoneId: pulumi.Input<string>;
  /** Fully qualified record name, e.g. "app.example.com". */
  readonly recordName: string;
  readonly targets: Readonly<Record<Slot, Route53Target>>;
  readonly weights: pulumi.Input<Weights>;
  /** Health check ids per slot; an unhealthy slot stops being returned. @default none */
  readonly healthCheckIds?: Readonly<Partial<Record<Slot, pulumi.Input<string>>>>;
  /** TTL of CNAME records (aliases use the target's). @default 60 */
  readonly ttl?: number;
}

export function assertRoute53Args(args: Route53WeightedSplitArgs): void {
  if (!/^[a-z0-9*]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i.test(args.recordName ?? "")) {
    throw new ComponentArgsError(TYPE, "recordName", `must be a fully qualified name, got ${JSON.stringify(args.recordName)}`, 'use e.g. "app.example.com"');
  }
  const kinds = new Set(SLOTS.map((slot) => ("alias" in args.targets[slot] ? "alias" : "cname")));
  if (kinds.size !== 1) {
    throw new ComponentArgsError(TYPE, "targets", "blue and green must both be aliases or both be CNAMEs (weighted records share one type)", "use the same kind of target for both slots");
  }
  const ttl = args.ttl ?? 60;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 86400) {
    throw new ComponentArgsError(TYPE, "ttl", `must be a whole number from 0 to 86400, got ${ttl}`, "use 60 or less with health checks");
  }
}

export class Route53WeightedSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly records: Readonly<Record<Slot, aws.route53.Record>>;

  constructor(name: string, args: Route53WeightedSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertRoute53Args(args);
    const weights = checkedWeights(TYPE, args.weights);
    const native = weights.apply(toRoute53Weights);
    const record = (slot: Slot) => {
      const target = args.targets[slot];
      return new aws.route53.Record(
        `${name}-${slot}`,
        {
          zoneId: args.zoneId,
          name: args.recordName,
          setIdentifier: slot,
          weightedRoutingPolicies: [{ weight: native[slot] }],
          healthCheckId: args.healthCheckIds?.[slot],
          ...("alias" in target
            ? { type: "A", aliases: [{ name: target.alias.name, zoneId: target.alias.zoneId, evaluateTargetHealth: true }] }
            : { type: "CNAME", ttl: args.ttl ?? 60, records: [target.cname] }),
        },
        { parent: this, provider: args.provider },
      );
    };
    this.records = { blue: record("blue"), green: record("green") };
    const weightOf = (r: aws.route53.Record) => r.weightedRoutingPolicies.apply((p) => p?.[0]?.weight ?? 0);
    this.weights = pulumi.all([weightOf(this.records.blue), weightOf(this.records.green)]).apply(([blue, green]) => ({ blue, green }));
    this.endpoint = pulumi.output(`http://${args.recordName}`);
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
