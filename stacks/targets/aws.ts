/**
 * The `aws` target: the service on ECS Fargate behind an ALB in one region; optionally a DR
 * standby environment in a second region, Route 53 failover between the two, and an S3 bucket
 * replicated across them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { S3ReplicatedBucket } from "../../components/dr/aws-s3-replication";
import { Route53Failover } from "../../components/dr/route53-failover";
import { objectivesSchema } from "../../components/dr/schema";
import { AwsBlueGreenEnvironment } from "../../components/environment/aws";
import { capacitySchema, healthCheckSchema, imageSchema, retiredScaleDownSchema } from "../../components/environment/schema";
import type { CommonConfig, TargetDefinition } from "./types";
import type { TargetOutputs } from "../../model/outputs";

const region = z.string({ message: "is required, e.g. us-east-1" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1");
const ids = (what: string) => z.array(z.string().min(1), { message: `must be a list of ${what}` }).min(1, `needs at least one ${what}`);

export const awsNetworkSchema = z.strictObject({
  vpcId: z.string({ message: "is required" }).regex(/^vpc-[0-9a-f]+$/, "must be a VPC id (vpc-...)"),
  subnetIds: ids("subnet id").min(2, "an ALB needs subnets in at least two availability zones"),
  securityGroupIds: ids("security group id"),
});

export const awsSchema = z
  .strictObject({
    /** Region of the primary environment; keep aws:region the same for the CLI. */
    region,
    image: imageSchema,
    network: awsNetworkSchema,
    capacity: capacitySchema,
    healthCheck: healthCheckSchema,
    containerPort: z.number().int().min(1).max(65535).default(8080),
    listener: z
      .strictObject({ port: z.number().int().min(1).max(65535).optional(), protocol: z.enum(["HTTP", "HTTPS"], { message: "must be HTTP or HTTPS" }).optional(), certificateArn: z.string().startsWith("arn:", "must be an ACM certificate ARN").optional() })
      .refine((l) => l.protocol !== "HTTPS" || l.certificateArn, { message: "HTTPS needs certificateArn", path: ["certificateArn"] })
      .optional(),
    /** Retired: refused with the fix (see retiredScaleDownSchema). */
    scaleDownIdleSlot: retiredScaleDownSchema,
    dr: z
      .strictObject({
        standbyRegion: region,
        network: awsNetworkSchema,
        objectives: objectivesSchema,
        dns: z.strictObject({ zoneId: z.string().min(1, "is required: the hosted zone id"), recordName: z.string().min(3, "is required: e.g. app.example.com") }),
        /** Replicate a data bucket to the standby region. @default true */
        bucket: z.boolean().default(true),
      })
      .optional(),
  })
  .refine((b) => !b.dr || b.dr.standbyRegion !== b.region, { message: "must differ from region: a standby in the primary's own region does not survive a regional outage", path: ["dr", "standbyRegion"] });

export type AwsBlock = z.output<typeof awsSchema>;

/** One explicit provider per region; never the ambient default. */
export const awsProvider = (service: string, region: string) => new aws.Provider(`${service}-aws-${region}`, { region });

export function buildAwsEnvironment(name: string, common: CommonConfig, block: Pick<AwsBlock, "image" | "capacity" | "healthCheck" | "containerPort" | "listener">, provider: aws.Provider, network: AwsBlock["network"]) {
  return new AwsBlueGreenEnvironment(name, {
    provider,
    service: common.service,
    image: block.image,
    slots: { blue: { version: common.slots.blue.version, capacity: block.capacity.blue }, green: { version: common.slots.green.version, capacity: block.capacity.green } },
    weights: common.traffic,
    healthCheck: block.healthCheck,
    network,
    containerPort: block.containerPort,
    listener: block.listener,
    scaledDown: common.scaledDown,
  });
}

function build(common: CommonConfig, block: AwsBlock): TargetOutputs {
  const primaryProvider = awsProvider(common.service, block.region);
  const env = buildAwsEnvironment(common.service, common, block, primaryProvider, block.network);
  const outputs = {
    endpoint: env.endpoint,
    weights: env.weights,
    slots: { blue: { version: env.versions.blue }, green: { version: env.versions.green } },
    trafficUrns: env.trafficUrns,
    trafficMechanism: env.mechanism,
    capacities: env.capacities,
  };
  if (!block.dr) return outputs;

  const dr = block.dr;
  const standbyProvider = awsProvider(common.service, dr.standbyRegion);
  const standby = buildAwsEnvironment(`${common.service}-standby`, common, block, standbyProvider, dr.network);
  const failover = new Route53Failover(`${common.service}-failover`, {
    provider: primaryProvider,
    zoneId: dr.dns.zoneId,
    recordName: dr.dns.recordName,
    primary: { cloud: "aws", region: block.region, target: { alias: { name: env.loadBalancer.dnsName, zoneId: env.loadBalancer.zoneId } } },
    standby: { cloud: "aws", region: dr.standbyRegion, target: { alias: { name: standby.loadBalancer.dnsName, zoneId: standby.loadBalancer.zoneId } } },
    objectives: dr.objectives,
    // Route 53 probes the load balancer, not the container: its port is the listener's.
    healthCheck: { path: block.healthCheck.path, port: block.listener?.port, intervalSeconds: block.healthCheck.intervalSeconds === 30 ? 30 : 10, unhealthyThreshold: block.healthCheck.unhealthyThreshold },
    protocol: block.listener?.protocol ?? "HTTP",
  });
  const data = dr.bucket
    ? new S3ReplicatedBucket(`${common.service}-data`, {
        primary: { cloud: "aws", region: block.region, provider: primaryProvider },
        standby: { cloud: "aws", region: dr.standbyRegion, provider: standbyProvider },
        objectives: dr.objectives,
      })
    : undefined;
  return {
    ...outputs,
    // The standby runs the same versions and weights, so a failover serves the same release.
    trafficUrns: pulumi.all([env.trafficUrns, standby.trafficUrns]).apply(([a, b]) => [...a, ...b]),
    dr: { failover: failover.failover, replication: data ? [data.replication] : [], standbyEndpoint: standby.endpoint },
    // Stack policies see resources, not config: the DR rules read the plan from this output (policy/lib/plan.ts).
    drPlan: {
      primary: { cloud: "aws", region: block.region },
      standby: { cloud: "aws", region: dr.standbyRegion },
      replication: { enabled: dr.bucket },
      rpoSeconds: dr.objectives.rpoSeconds,
    },
  };
}

export const awsTarget: TargetDefinition<typeof awsSchema> = {
  name: "aws",
  schema: awsSchema,
  build: (common, block) => build(common, block),
};
