/**
 * Blue/green on AWS: one ALB, and per slot a target group and an ECS Fargate service running the
 * slot's image tag; the listener's weighted forward splits traffic between them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { AlbTrafficSplit, type AlbStickiness } from "../traffic/aws-alb";
import { checkedWeights } from "../traffic/checked-weights";
import type { MechanismKind } from "../../model/mechanism";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import {
  assertHealthCheck,
  assertScaledDown,
  assertSlots,
  HEALTH_DEFAULTS,
  slotCapacities,
  type HealthCheckSpec,
 
  type SlotSpec,
} from "./slots";

const TYPE = "switchyard:environment:AwsBlueGreenEnvironment";

export interface AwsNetwork {
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the load balancer and the tasks (at least two zones for an ALB). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface AwsBlueGreenEnvironmentArgs {
  /** Provider of the environment's region. */
  readonly provider: aws.Provider;
  readonly service: string;
  /** Image repository; a slot's version is the tag. */
  readonly image: string;
  readonly slots: Readonly<Record<Slot, SlotSpec>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  readonly network: AwsNetwork;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Fargate task size. @default { cpu: 256, memory: 512 } */
  readonly taskSize?: { readonly cpu: number; readonly memory: number };
  /** Role ECS uses to pull the image and write logs. @default none (public images only) */
  readonly executionRoleArn?: pulumi.Input<string>;
  /** @default { port: 80, protocol: "HTTP" } */
  readonly listener?: { readonly port?: number; readonly protocol?: "HTTP" | "HTTPS"; readonly certificateArn?: pulumi.Input<string> };
  /** @default { enabled: false, durationSeconds: 1 } */
  readonly stickiness?: AlbStickiness;
  /** Time a deregistered task keeps serving in-flight requests. @default 30 */
  readonly deregistrationDelaySeconds?: number;
  /** @default undefined (idle slots keep their capacity) */
  /** The idle slot the driver scaled down (capacity 0); the driver's, never the stack file's. */
  readonly scaledDown?: Slot;
}

export function assertAwsEnvironmentArgs(args: AwsBlueGreenEnvironmentArgs): void {
  assertSlots(TYPE, args.slots);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  assertScaledDown(TYPE, args.scaledDown);
  if (!args.image) throw new ComponentArgsError(TYPE, "image", "must not be empty", "give the image repository, e.g. 123.dkr.ecr.us-east-1.amazonaws.com/app");
  if (!args.network?.vpcId) throw new ComponentArgsError(TYPE, "network.vpcId", "is required", "give the VPC of the load balancer and tasks");
  const delay = args.deregistrationDelaySeconds ?? 30;
  if (!Number.isInteger(delay) || delay < 0 || delay > 3600) {
    throw new ComponentArgsError(TYPE, "deregistrationDelaySeconds", `must be 0..3600, got ${delay}`, "use e.g. 30");
  }
}

export class AwsBlueGreenEnvironment extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly weights: pulumi.Output<Weights>;
  readonly versions: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly capacities: Readonly<Record<Slot, pulumi.Output<number>>>;
  readonly targetGroupArns: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly split: AlbTrafficSplit;
  /** URNs of the resources a weight step updates (the driver's `--target` list). */
  readonly trafficUrns: pulumi.Output<string[]>;
  /** The kind of traffic split this environment built. */
  readonly mechanism: MechanismKind;

  constructor(name: string, args: AwsBlueGreenEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertAwsEnvironmentArgs(args);
    const weights = checkedWeights(TYPE, args.weights);
    const child = { parent: this, provider: args.provider };
    const port = args.containerPort ?? 8080;
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const size = args.taskSize ?? { cpu: 256, memory: 512 };

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      { loadBalancerType: "application", internal: false, subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds },
      child,
    );
    const cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, child);
    // No explicit names: name/port/protocol/vpc are force-new on a target group, and both slots must outlive every step.
    const groups = Object.fromEntries(
      SLOTS.map((slot) => [
        slot,
        new aws.lb.TargetGroup(
          `${name}-${slot}-tg`,
          {
            port,
            protocol: "HTTP",
            targetType: "ip",
            vpcId: args.network.vpcId,
            deregistrationDelay: args.deregistrationDelaySeconds ?? 30,
            healthCheck: {
              enabled: true,
              path: hc.path,
              port: hc.port === undefined ? "traffic-port" : String(hc.port),
              matcher: "200-299",
              interval: hc.intervalSeconds,
              timeout: hc.timeoutSeconds,
              healthyThreshold: hc.healthyThreshold,
              unhealthyThreshold: hc.unhealthyThreshold,
            },
          },
          child,
        ),
      ]),
    ) as Record<Slot, aws.lb.TargetGroup>;

    this.split = new AlbTrafficSplit(
      `${name}-traffic`,
      {
        provider: args.provider,
        loadBalancerArn: this.loadBalancer.arn,
        loadBalancerDnsName: this.loadBalancer.dnsName,
        targetGroupArns: { blue: groups.blue.arn, green: groups.green.arn },
        weights,
        port: args.listener?.port,
        protocol: args.listener?.protocol,
        certificateArn: args.listener?.certificateArn,
        stickiness: args.stickiness,
      },
      { parent: this },
    );

    this.capacities = slotCapacities(TYPE, weights, args.slots, args.scaledDown);
    const versions: Partial<Record<Slot, pulumi.Output<string>>> = {};
    for (const slot of SLOTS) {
      const version = args.slots[slot].version;
      const task = new aws.ecs.TaskDefinition(
        `${name}-${slot}-task`,
        {
          family: `${args.service}-${slot}`,
          requiresCompatibilities: ["FARGATE"],
          networkMode: "awsvpc",
          cpu: String(size.cpu),
          memory: String(size.memory),
          executionRoleArn: args.executionRoleArn,
          containerDefinitions: JSON.stringify([
            {
              name: args.service,
              image: `${args.image}:${version}`,
              essential: true,
              portMappings: [{ containerPort: port, protocol: "tcp" }],
              environment: [{ name: "SLOT", value: slot }, { name: "VERSION", value: version }],
            },
          ]),
        },
        child,
      );
      new aws.ecs.Service(
        `${name}-${slot}`,
        {
          cluster: cluster.arn,
          launchType: "FARGATE",
          taskDefinition: task.arn,
          desiredCount: this.capacities[slot],
          healthCheckGracePeriodSeconds: hc.intervalSeconds * hc.healthyThreshold,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          networkConfiguration: { subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds, assignPublicIp: false },
          loadBalancers: [{ targetGroupArn: groups[slot].arn, containerName: args.service, containerPort: port }],
        },
        // ECS refuses a target group that no listener uses yet.
        { ...child, dependsOn: [this.split] },
      );
      versions[slot] = pulumi.output(version);
    }
    this.versions = versions as Record<Slot, pulumi.Output<string>>;
    this.targetGroupArns = { blue: groups.blue.arn, green: groups.green.arn };
    this.weights = this.split.weights;
    this.endpoint = this.split.endpoint;
    this.trafficUrns = pulumi.all([this.split.listener.urn]);
    this.mechanism = "aws-alb";
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, versions: this.versions, capacities: this.capacities, trafficUrns: this.trafficUrns });
  }
}
