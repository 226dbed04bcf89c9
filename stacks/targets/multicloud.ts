/**
 * The `multicloud` target: the primary on AWS (ECS + ALB), a warm standby on GCP (Cloud Run + LB)
 * running the same versions and weights, Route 53 failover between them, and the primary's data
 * bucket copied to GCS on a schedule. The region that serves (`switchyard:dr.primary`, or the
 * driver's failover in flight) owns the PRIMARY record; when GCS becomes the data primary the copy
 * stops (it would overwrite newer writes), and copying back to S3 is an action the driver runs.
 * Route 53 failover records move all traffic at once: the regional shift is "at-once".
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Route53Failover } from "../../components/dr/route53-failover";
import { S3ToGcsTransfer } from "../../components/dr/s3-to-gcs-transfer";
import { drPlanOutput, regionalPlan, regionsOutput } from "../../components/dr/regional";
import { objectivesSchema } from "../../components/dr/schema";
import { awsNetworkSchema, awsProvider, buildAwsEnvironment } from "./aws";
import { buildGcpEnvironment, gcpProvider } from "./gcp";
import { capacitySchema, healthCheckSchema, imageSchema } from "../../components/environment/schema";
import type { CommonConfig, TargetDefinition } from "./types";
import type { TargetOutputs } from "../../model/outputs";

export const multicloudSchema = z.strictObject({
  primary: z.strictObject({
    region: z.string({ message: "is required, e.g. us-east-1" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1"),
    image: imageSchema,
    network: awsNetworkSchema,
    capacity: capacitySchema,
  }),
  standby: z.strictObject({
    project: z.string({ message: "is required: the GCP project id" }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a GCP project id"),
    region: z.string({ message: "is required, e.g. us-east1" }).regex(/^[a-z]+-[a-z]+\d$/, "must be a GCP region such as us-east1"),
    image: imageSchema,
    capacity: capacitySchema,
    maxInstances: z.number().int().min(1).max(1000).default(10),
  }),
  healthCheck: healthCheckSchema,
  containerPort: z.number().int().min(1).max(65535).default(8080),
  objectives: objectivesSchema,
  dns: z.strictObject({ zoneId: z.string().min(1, "is required: the Route 53 hosted zone id"), recordName: z.string().min(3, "is required: e.g. app.example.com") }),
  /** Create the primary's data bucket and copy it to GCS. @default true */
  bucket: z.boolean().default(true),
});

export type MulticloudBlock = z.output<typeof multicloudSchema>;

function build(common: CommonConfig, block: MulticloudBlock): TargetOutputs {
  const plan = regionalPlan("switchyard:multicloud", "Route 53 failover routing", [block.primary.region, block.standby.region], common.dr);
  const awsAt = awsProvider(common.service, block.primary.region);
  const gcpAt = gcpProvider(common.service, block.standby.project, block.standby.region);
  const primary = buildAwsEnvironment(common.service, common, { ...block.primary, healthCheck: block.healthCheck, containerPort: block.containerPort, listener: undefined }, awsAt, block.primary.network);
  const standby = buildGcpEnvironment(`${common.service}-standby`, common, { ...block.standby, healthCheck: block.healthCheck, containerPort: block.containerPort }, gcpAt, block.standby.region);
  const failover = new Route53Failover(`${common.service}-failover`, {
    provider: awsAt,
    zoneId: block.dns.zoneId,
    recordName: block.dns.recordName,
    primary: { cloud: "aws", region: block.primary.region, target: { alias: { name: primary.loadBalancer.dnsName, zoneId: primary.loadBalancer.zoneId } } },
    standby: { cloud: "gcp", region: block.standby.region, target: { ip: standby.endpoint.apply((e) => e.replace(/^https?:\/\//, "")) } },
    objectives: block.objectives,
    healthCheck: { path: block.healthCheck.path, intervalSeconds: block.healthCheck.intervalSeconds === 30 ? 30 : 10, unhealthyThreshold: block.healthCheck.unhealthyThreshold },
    protocol: "HTTP",
    serving: plan.servingRole,
  });
  let replication: pulumi.Output<unknown>[] = [];
  let copy: S3ToGcsTransfer | undefined;
  if (block.bucket) {
    const bucket = new aws.s3.Bucket(`${common.service}-data`, {}, { provider: awsAt });
    copy = new S3ToGcsTransfer(`${common.service}-data-copy`, {
      primary: { cloud: "aws", region: block.primary.region, provider: awsAt, bucketName: bucket.bucket, bucketArn: bucket.arn },
      standby: { cloud: "gcp", region: block.standby.region, provider: gcpAt, project: block.standby.project },
      objectives: block.objectives,
      dataPrimary: plan.dataRole,
    });
    replication = [copy.replication];
  }
  return {
    endpoint: primary.endpoint,
    weights: primary.weights,
    slots: { blue: { version: primary.versions.blue }, green: { version: primary.versions.green } },
    trafficUrns: pulumi.all([primary.trafficUrns, standby.trafficUrns]).apply(([a, b]) => [...a, ...b]),
    // The primary serves; the standby's split is reported under dr.
    trafficMechanism: primary.mechanism,
    capacities: primary.capacities,
    dr: { failover: failover.failover, replication, standbyEndpoint: standby.endpoint, standbyWeights: standby.weights },
    regions: regionsOutput(plan, "aws-route53-failover", { primary: primary.endpoint, standby: standby.endpoint }, failover.routingUrns, copy && { urns: copy.dataUrns }),
    // Stopping the copy is an engine update (dataUrns); bringing GCS's writes back to S3 is not.
    dataPromotion: copy ? { [block.primary.region]: [copy.failback] } : {},
    drPlan: drPlanOutput(plan, { primary: "aws", standby: "gcp" }, {
      replication: block.bucket,
      rpoSeconds: block.objectives.rpoSeconds,
      promoteData: common.dr?.config.failover.promoteData ?? true,
      inFlight: common.dr?.inFlight !== undefined,
    }),
  };
}

export const multicloudTarget: TargetDefinition<typeof multicloudSchema> = {
  name: "multicloud",
  schema: multicloudSchema,
  build: (common, block) => build(common, block),
  regions: (block) => [block.primary.region, block.standby.region],
  regionalShift: "at-once",
};
