/**
 * The `aws` target: the service on ECS Fargate behind an ALB in one region; optionally a DR
 * standby environment in a second region, Route 53 failover between the two, and an S3 bucket
 * replicated across them. The region that serves (`switchyard:dr.primary`, or the driver's
 * failover in flight) owns the PRIMARY record; the data primary is the replication source.
 * Route 53 failover records move all traffic at once: the regional shift is "at-once".
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { S3ReplicatedBucket } from "../../components/dr/aws-s3-replication";
import { Route53Failover } from "../../components/dr/route53-failover";
import { regionalPlan, drPlanOutput, regionsOutput } from "../../components/dr/regional";
import { objectivesSchema } from "../../components/dr/schema";
import { AwsBlueGreenEnvironment } from "../../components/environment/aws";
import { capacitySchema, healthCheckSchema, imageSchema, retiredScaleDownSchema } from "../../components/environment/schema";
import type { CommonConfig, TargetDefinition } from "./types";
import type { TargetOutputs } from "../../model/outputs";

const region = z.string({ message: "is required, e.g. us-east-1" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1");
const acmArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/, "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
/** ACM certificates are regional: the region field of the ARN. */
export const certificateRegion = (arn: string) => arn.split(":")[3];
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
        /** The standby listener's certificate, issued in standbyRegion (ACM certificates are regional). Required with an HTTPS listener. */
        certificateArn: acmArn.optional(),
      })
      .optional(),
  })
  .refine((b) => !b.dr || b.dr.standbyRegion !== b.region, { message: "must differ from region: a standby in the primary's own region does not survive a regional outage", path: ["dr", "standbyRegion"] })
  .refine((b) => !b.dr || b.listener?.protocol !== "HTTPS" || b.dr.certificateArn, {
    message: "is required with an HTTPS listener: ACM certificates are regional, so the standby's listener needs a certificate issued in dr.standbyRegion (request or import one there and give its ARN)",
    path: ["dr", "certificateArn"],
  })
  .refine((b) => !b.dr?.certificateArn || certificateRegion(b.dr.certificateArn) === b.dr.standbyRegion, {
    message: "must be a certificate issued in dr.standbyRegion: ACM certificates are regional and a listener accepts only one of its own region",
    path: ["dr", "certificateArn"],
  });

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
  const plan = regionalPlan("switchyard:aws", "Route 53 failover routing", [block.region, dr.standbyRegion], common.dr);
  const standbyProvider = awsProvider(common.service, dr.standbyRegion);
  const standbyListener = block.listener && { ...block.listener, certificateArn: dr.certificateArn };
  const standby = buildAwsEnvironment(`${common.service}-standby`, common, { ...block, listener: standbyListener }, standbyProvider, dr.network);
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
    serving: plan.servingRole,
  });
  const data = dr.bucket
    ? new S3ReplicatedBucket(`${common.service}-data`, {
        primary: { cloud: "aws", region: block.region, provider: primaryProvider },
        standby: { cloud: "aws", region: dr.standbyRegion, provider: standbyProvider },
        objectives: dr.objectives,
        dataPrimary: plan.dataRole,
      })
    : undefined;
  return {
    ...outputs,
    // The standby runs the same versions and weights, so a failover serves the same release.
    trafficUrns: pulumi.all([env.trafficUrns, standby.trafficUrns]).apply(([a, b]) => [...a, ...b]),
    dr: { failover: failover.failover, replication: data ? [data.replication] : [], standbyEndpoint: standby.endpoint },
    regions: regionsOutput(plan, "aws-route53-failover", { primary: env.endpoint, standby: standby.endpoint }, failover.routingUrns, data && { urns: data.dataUrns }),
    // S3 needs no promotion: both buckets take writes; the replication direction follows the data primary.
    dataPromotion: {},
    // Stack policies see resources, not config: the DR rules read the plan from this output (policy/lib/plan.ts).
    drPlan: drPlanOutput(plan, { primary: "aws", standby: "aws" }, {
      replication: dr.bucket,
      rpoSeconds: dr.objectives.rpoSeconds,
      promoteData: common.dr?.config.failover.promoteData ?? true,
      inFlight: common.dr?.inFlight !== undefined,
    }),
  };
}

export const awsTarget: TargetDefinition<typeof awsSchema> = {
  name: "aws",
  schema: awsSchema,
  build: (common, block) => build(common, block),
  regions: (block) => (block.dr ? [block.region, block.dr.standbyRegion] : undefined),
  regionalShift: "at-once",
};
