/**
 * The `gcp` target: the service on Cloud Run (a service per slot) behind a global external
 * Application LB; optionally a DR standby environment in a second region with Cloud DNS
 * primary/backup routing and a cross-region Cloud SQL replica. The region that serves
 * (`switchyard:dr.primary`, or the driver's failover in flight) is the record's primary target; the
 * data primary promotes the replica when it is the standby region. Cloud DNS primary/backup moves
 * all traffic at once: the regional shift is "at-once".
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CloudDnsFailover } from "../../components/dr/cloud-dns-failover";
import { CloudSqlCrossRegionReplica } from "../../components/dr/gcp-sql-replica";
import { drPlanOutput, regionalPlan, regionsOutput } from "../../components/dr/regional";
import { objectivesSchema } from "../../components/dr/schema";
import { GcpBlueGreenEnvironment } from "../../components/environment/gcp";
import { capacitySchema, healthCheckSchema, imageSchema, retiredScaleDownSchema } from "../../components/environment/schema";
import { environmentOutputs, type CommonConfig, type TargetDefinition } from "./types";
import { type TargetOutputs } from "../../model/outputs";

const region = z.string({ message: "is required, e.g. us-central1" }).regex(/^[a-z]+-[a-z]+\d$/, "must be a GCP region such as us-central1");

export const gcpSchema = z
  .strictObject({
    /** Keep gcp:project the same for the CLI. */
    project: z.string({ message: "is required: the GCP project id" }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a GCP project id"),
    region,
    image: imageSchema,
    capacity: capacitySchema,
    healthCheck: healthCheckSchema,
    containerPort: z.number().int().min(1).max(65535).default(8080),
    maxInstances: z.number().int().min(1, "must be at least 1").max(1000).default(10),
    /** Retired: refused with the fix (see retiredScaleDownSchema). */
    scaleDownIdleSlot: retiredScaleDownSchema,
    dr: z
      .strictObject({
        standbyRegion: region,
        objectives: objectivesSchema,
        dns: z.strictObject({ managedZone: z.string().min(1, "is required: the Cloud DNS zone name"), recordName: z.string().endsWith(".", "must be fully qualified with a trailing dot") }),
        /** Cloud SQL primary + cross-region replica. @default false */
        database: z.boolean().default(false),
      })
      .optional(),
  })
  .refine((b) => !b.dr || b.dr.standbyRegion !== b.region, { message: "must differ from region: a standby in the primary's own region does not survive a regional outage", path: ["dr", "standbyRegion"] })
  .refine((b) => b.capacity.blue <= b.maxInstances && b.capacity.green <= b.maxInstances, { message: "capacity must not exceed maxInstances", path: ["capacity"] });

export type GcpBlock = z.output<typeof gcpSchema>;

export const gcpProvider = (service: string, project: string, region: string) => new gcp.Provider(`${service}-gcp-${region}`, { project, region });

export function buildGcpEnvironment(name: string, common: CommonConfig, block: Pick<GcpBlock, "image" | "capacity" | "healthCheck" | "containerPort" | "maxInstances">, provider: gcp.Provider, region: string) {
  return new GcpBlueGreenEnvironment(name, {
    provider,
    service: common.service,
    region,
    image: block.image,
    slots: { blue: { version: common.slots.blue.version, capacity: block.capacity.blue }, green: { version: common.slots.green.version, capacity: block.capacity.green } },
    weights: common.traffic,
    healthCheck: block.healthCheck,
    containerPort: block.containerPort,
    maxInstances: block.maxInstances,
    scaledDown: common.scaledDown,
  });
}

function build(common: CommonConfig, block: GcpBlock): TargetOutputs {
  const primaryProvider = gcpProvider(common.service, block.project, block.region);
  const env = buildGcpEnvironment(common.service, common, block, primaryProvider, block.region);
  const outputs = {
    ...environmentOutputs(env),
  };
  if (!block.dr) return outputs;

  const dr = block.dr;
  const plan = regionalPlan("switchyard:gcp", "Cloud DNS primary/backup routing", [block.region, dr.standbyRegion], common.dr);
  const standbyProvider = gcpProvider(common.service, block.project, dr.standbyRegion);
  const standby = buildGcpEnvironment(`${common.service}-standby`, common, block, standbyProvider, dr.standbyRegion);
  const ipOf = (endpoint: pulumi.Output<string>) => endpoint.apply((e) => e.replace(/^https?:\/\//, ""));
  const failover = new CloudDnsFailover(`${common.service}-failover`, {
    provider: primaryProvider,
    managedZone: dr.dns.managedZone,
    recordName: dr.dns.recordName,
    primary: { cloud: "gcp", region: block.region, ip: ipOf(env.endpoint) },
    standby: { cloud: "gcp", region: dr.standbyRegion, ip: ipOf(standby.endpoint) },
    objectives: dr.objectives,
    // The DNS probe hits the load balancer on port 80, not the container.
    healthCheck: { path: block.healthCheck.path, intervalSeconds: block.healthCheck.intervalSeconds, unhealthyThreshold: block.healthCheck.unhealthyThreshold },
    serving: plan.servingRole,
  });
  const database = dr.database
    ? new CloudSqlCrossRegionReplica(`${common.service}-db`, {
        primary: { cloud: "gcp", region: block.region, provider: primaryProvider },
        standby: { cloud: "gcp", region: dr.standbyRegion, provider: standbyProvider },
        objectives: dr.objectives,
        dataPrimary: plan.dataRole,
        project: block.project,
      })
    : undefined;
  return {
    ...outputs,
    trafficUrns: pulumi.all([env.trafficUrns, standby.trafficUrns]).apply(([a, b]) => [...a, ...b]),
    dr: { failover: failover.failover, replication: database ? [database.replication] : [], standbyEndpoint: standby.endpoint },
    regions: regionsOutput(plan, "gcp-cloud-dns-failover", { primary: env.endpoint, standby: standby.endpoint }, failover.routingUrns, database && { urns: database.dataUrns }),
    // Promoting the replica is an engine update (dataUrns); moving the data back home is not.
    dataPromotion: database ? { [block.region]: [database.failback] } : {},
    drPlan: drPlanOutput(plan, { primary: "gcp", standby: "gcp" }, {
      replication: dr.database,
      rpoSeconds: dr.objectives.rpoSeconds,
      promoteData: common.dr?.config.failover.promoteData ?? true,
      inFlight: common.dr?.inFlight !== undefined,
    }),
  };
}

export const gcpTarget: TargetDefinition<typeof gcpSchema> = {
  name: "gcp",
  schema: gcpSchema,
  build: (common, block) => build(common, block),
  regions: (block) => (block.dr ? [block.region, block.dr.standbyRegion] : undefined),
  regionalShift: "at-once",
};
