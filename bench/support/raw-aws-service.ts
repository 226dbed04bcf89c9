/**
 * The components benchmark's baseline: one AWS blue/green service written as raw Pulumi, the way a
 * user without Switchyard would: the same cloud resources with the same names and inputs as
 * AwsBlueGreenEnvironment, but no ComponentResource parents, no validation, no read-back outputs.
 * The defaults the component fills in are spelled out here as literals, as such a user would.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AwsBlueGreenEnvironmentArgs } from "../../components/environment/aws";

/** The part of the component's args the bench sets; anything else is the component's default. */
export type RawServiceArgs = Pick<AwsBlueGreenEnvironmentArgs, "provider" | "service" | "image" | "slots" | "healthCheck" | "network"> & {
  /** Plain weights: a raw user writes the numbers into the listener. */
  readonly weights: { readonly blue: number; readonly green: number };
};

/** Builds the service's cloud resources; returns them so the caller can keep or drop them. */
export function buildRawAwsService(name: string, args: RawServiceArgs): pulumi.CustomResource[] {
  const opts = { provider: args.provider };
  const hc = args.healthCheck;
  const alb = new aws.lb.LoadBalancer(
    `${name}-alb`,
    { loadBalancerType: "application", internal: false, subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds },
    opts,
  );
  const cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, opts);
  const targetGroup = (slot: "blue" | "green") =>
    new aws.lb.TargetGroup(
      `${name}-${slot}-tg`,
      {
        port: 8080,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: args.network.vpcId,
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          path: hc.path,
          port: "traffic-port",
          matcher: "200-299",
          interval: hc.intervalSeconds ?? 10,
          timeout: hc.timeoutSeconds ?? 5,
          healthyThreshold: hc.healthyThreshold ?? 2,
          unhealthyThreshold: hc.unhealthyThreshold ?? 3,
        },
      },
      opts,
    );
  const blue = targetGroup("blue");
  const green = targetGroup("green");
  // Named as the component's child is, so that the two builds register the same names.
  const listener = new aws.lb.Listener(
    `${name}-traffic-listener`,
    {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        {
          type: "forward",
          forward: {
            targetGroups: [
              { arn: blue.arn, weight: args.weights.blue },
              { arn: green.arn, weight: args.weights.green },
            ],
            stickiness: { enabled: false, duration: 1 },
          },
        },
      ],
    },
    opts,
  );
  const resources: pulumi.CustomResource[] = [alb, cluster, blue, green, listener];
  for (const [slot, group] of [["blue", blue], ["green", green]] as const) {
    const version = args.slots[slot].version;
    const task = new aws.ecs.TaskDefinition(
      `${name}-${slot}-task`,
      {
        family: `${args.service}-${slot}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: JSON.stringify([
          {
            name: args.service,
            image: `${args.image}:${version}`,
            essential: true,
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            environment: [{ name: "SLOT", value: slot }, { name: "VERSION", value: version }],
          },
        ]),
      },
      opts,
    );
    const service = new aws.ecs.Service(
      `${name}-${slot}`,
      {
        cluster: cluster.arn,
        launchType: "FARGATE",
        taskDefinition: task.arn,
        desiredCount: args.slots[slot].capacity,
        healthCheckGracePeriodSeconds: (hc.intervalSeconds ?? 10) * (hc.healthyThreshold ?? 2),
        deploymentCircuitBreaker: { enable: true, rollback: true },
        networkConfiguration: { subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds, assignPublicIp: false },
        loadBalancers: [{ targetGroupArn: group.arn, containerName: args.service, containerPort: 8080 }],
      },
      // ECS refuses a target group that no listener uses yet.
      { ...opts, dependsOn: [listener] },
    );
    resources.push(task, service);
  }
  return resources;
}
