/** AWS ALB split: one listener whose default action forwards across the two slots' target groups. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { awsAlb } from "./mechanisms/aws-alb";

const TYPE = "switchyard:traffic:AlbTrafficSplit";

/** The listener's forward weights (mechanisms/aws-alb.ts). */
export function toAlbWeights(w: Weights): Record<Slot, number> {
  assertValidWeights(TYPE, "weights", w);
  return awsAlb.toNative(w);
}

export interface AlbStickiness {
  readonly enabled: boolean;
  /** 1..604800 seconds. */
  readonly durationSeconds: number;
}

export interface AlbTrafficSplitArgs {
  readonly provider: aws.Provider;
  readonly loadBalancerArn: pulumi.Input<string>;
  /** DNS name of the load balancer, for `endpoint`. */
  readonly loadBalancerDnsName: pulumi.Input<string>;
  readonly targetGroupArns: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly weights: pulumi.Input<Weights>;
  /** @default 80 */
  readonly port?: number;
  /** @default "HTTP"; "HTTPS" needs certificateArn */
  readonly protocol?: "HTTP" | "HTTPS";
  readonly certificateArn?: pulumi.Input<string>;
  /**
   * Target-group stickiness pins clients to a slot, so the observed split lags the configured one.
   * Always declared: AWS reports a default after refresh, which otherwise shows as drift (pulumi-aws#5771).
   * @default { enabled: false, durationSeconds: 1 }
   */
  readonly stickiness?: AlbStickiness;
}

export function assertAlbArgs(args: AlbTrafficSplitArgs): void {
  if (args.protocol === "HTTPS" && args.certificateArn === undefined) {
    throw new ComponentArgsError(TYPE, "certificateArn", "is required with protocol HTTPS", "give the ACM certificate ARN or use protocol HTTP");
  }
  const duration = args.stickiness?.durationSeconds ?? 1;
  if (!Number.isInteger(duration) || duration < 1 || duration > 604800) {
    throw new ComponentArgsError(TYPE, "stickiness.durationSeconds", `must be a whole number from 1 to 604800, got ${duration}`, "use e.g. 300");
  }
}

export class AlbTrafficSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly listener: aws.lb.Listener;

  constructor(name: string, args: AlbTrafficSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertAlbArgs(args);
    const weights = checkedWeights(TYPE, args.weights);
    const protocol = args.protocol ?? "HTTP";
    const port = args.port ?? (protocol === "HTTPS" ? 443 : 80);
    const stickiness = args.stickiness ?? { enabled: false, durationSeconds: 1 };
    this.listener = new aws.lb.Listener(
      `${name}-listener`,
      {
        loadBalancerArn: args.loadBalancerArn,
        port,
        protocol,
        certificateArn: args.certificateArn,
        defaultActions: [
          {
            type: "forward",
            forward: {
              targetGroups: weights.apply((w) => {
                const native = toAlbWeights(w);
                return SLOTS.map((slot) => ({ arn: args.targetGroupArns[slot], weight: native[slot] }));
              }),
              stickiness: { enabled: stickiness.enabled, duration: stickiness.durationSeconds },
            },
          },
        ],
      },
      { parent: this, provider: args.provider },
    );
    // Read back from the listener's own state, so the output is what AWS holds.
    this.weights = this.listener.defaultActions.apply((actions) => {
      const groups = actions[0]?.forward?.targetGroups ?? [];
      return { blue: groups[0]?.weight ?? 0, green: groups[1]?.weight ?? 0 };
    });
    this.endpoint = pulumi.interpolate`${protocol.toLowerCase()}://${args.loadBalancerDnsName}:${port}`;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
