/**
 * The `azure` target: the service on App Service (a plan + web app per slot) behind Front Door or
 * Traffic Manager; optionally a DR standby environment in a second region with Traffic Manager
 * priority routing, geo-redundant storage and an Azure SQL failover group. The region that serves
 * (`switchyard:dr.primary`, or the driver's failover in flight) gets priority 1. Neither the SQL
 * failover group nor geo-redundant storage can be promoted through a resource property: the
 * target exports the failover actions the driver runs instead (`dataPromotion`). Traffic Manager
 * priority routing moves all traffic at once: the regional shift is "at-once".
 */
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GeoRedundantStorage } from "../../components/dr/azure-geo-storage";
import { AzureSqlFailoverGroup } from "../../components/dr/azure-sql-failover";
import { drPlanOutput, regionalPlan, regionsOutput } from "../../components/dr/regional";
import type { ManualPromotion } from "../../components/dr/objectives";
import { objectivesSchema } from "../../components/dr/schema";
import { TrafficManagerFailover } from "../../components/dr/traffic-manager-failover";
import { AZURE_TRAFFIC, AzureBlueGreenEnvironment } from "../../components/environment/azure";
import { capacitySchema, healthCheckSchema, imageSchema, retiredScaleDownSchema } from "../../components/environment/schema";
import { environmentOutputs, type CommonConfig, type TargetDefinition } from "./types";
import { type TargetOutputs } from "../../model/outputs";

const location = z.string({ message: "is required, e.g. westeurope" }).regex(/^[a-z]+[a-z0-9]*$/, "must be an Azure location name such as westeurope");

export const azureSchema = z
  .strictObject({
    /** Keep azure-native:location the same for the CLI. */
    location,
    image: imageSchema,
    capacity: capacitySchema,
    healthCheck: healthCheckSchema,
    traffic: z.enum(AZURE_TRAFFIC, { message: `must be one of ${AZURE_TRAFFIC.join(", ")}` }).default("front-door"),
    sku: z.string().min(2).default("P0v3"),
    /** Retired: refused with the fix (see retiredScaleDownSchema). */
    scaleDownIdleSlot: retiredScaleDownSchema,
    dr: z
      .strictObject({
        standbyLocation: location,
        objectives: objectivesSchema,
        /** Traffic Manager DNS label for the failover profile (globally unique). */
        dnsLabel: z.string().regex(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, "must be a DNS label"),
        /** Azure SQL failover group administered by this Entra ID group. @default none */
        sqlAdmin: z.strictObject({ login: z.string().min(1), objectId: z.uuid("must be the group's object id (a UUID)") }).optional(),
        sqlFailoverPolicy: z.enum(["Automatic", "Manual"], { message: "must be Automatic or Manual" }).default("Manual"),
        /** Geo-redundant (RA-GZRS) storage account; its RPO floor is 900 s. @default true */
        storage: z.boolean().default(true),
      })
      .optional(),
  })
  .refine((b) => !b.dr || b.dr.standbyLocation !== b.location, { message: "must differ from location: a standby in the primary's own region does not survive a regional outage", path: ["dr", "standbyLocation"] })
  .refine((b) => b.traffic !== "traffic-manager" || [undefined, 10, 30].includes(b.healthCheck.intervalSeconds), { message: "Traffic Manager probes every 10 or 30 seconds", path: ["healthCheck", "intervalSeconds"] });

export type AzureBlock = z.output<typeof azureSchema>;

function environment(name: string, common: CommonConfig, block: AzureBlock, provider: AzureProvider, location: string) {
  const rg = new resources.ResourceGroup(`${name}-rg`, { location }, { provider });
  const env = new AzureBlueGreenEnvironment(name, {
    provider,
    service: name,
    resourceGroupName: rg.name,
    location,
    image: block.image,
    slots: { blue: { version: common.slots.blue.version, capacity: block.capacity.blue }, green: { version: common.slots.green.version, capacity: block.capacity.green } },
    weights: common.traffic,
    healthCheck: block.healthCheck,
    traffic: block.traffic,
    sku: block.sku,
    scaledDown: common.scaledDown,
  });
  return { rg, env };
}

function build(common: CommonConfig, block: AzureBlock): TargetOutputs {
  const primaryProvider = new AzureProvider(`${common.service}-azure-${block.location}`, { location: block.location });
  const { rg, env } = environment(common.service, common, block, primaryProvider, block.location);
  const outputs = {
    ...environmentOutputs(env),
  };
  if (!block.dr) return outputs;

  const dr = block.dr;
  const plan = regionalPlan("switchyard:azure", "Traffic Manager priority routing", [block.location, dr.standbyLocation], common.dr);
  const standbyProvider = new AzureProvider(`${common.service}-azure-${dr.standbyLocation}`, { location: dr.standbyLocation });
  const standby = environment(`${common.service}-standby`, common, block, standbyProvider, dr.standbyLocation);
  const hostOf = (endpoint: pulumi.Output<string>) => endpoint.apply((e) => e.replace(/^https?:\/\//, ""));
  const primarySite = { cloud: "azure" as const, region: block.location };
  const standbySite = { cloud: "azure" as const, region: dr.standbyLocation };
  const failover = new TrafficManagerFailover(`${common.service}-failover`, {
    provider: primaryProvider,
    resourceGroupName: rg.name,
    relativeName: dr.dnsLabel,
    primary: { ...primarySite, host: hostOf(env.endpoint) },
    standby: { ...standbySite, host: hostOf(standby.env.endpoint) },
    objectives: dr.objectives,
    healthCheck: { path: block.healthCheck.path, intervalSeconds: block.healthCheck.intervalSeconds === 30 ? 30 : 10, unhealthyThreshold: block.healthCheck.unhealthyThreshold },
    serving: plan.servingRole,
  });
  const storage = dr.storage ? new GeoRedundantStorage(`${common.service}-data`, { provider: primaryProvider, resourceGroupName: rg.name, primary: primarySite, objectives: dr.objectives }) : undefined;
  const sql = dr.sqlAdmin
    ? new AzureSqlFailoverGroup(`${common.service}-sql`, { provider: primaryProvider, resourceGroupName: rg.name, primary: primarySite, standby: standbySite, objectives: dr.objectives, admin: dr.sqlAdmin, failoverPolicy: dr.sqlFailoverPolicy })
    : undefined;
  // Promotion is an action here, never an engine update: per region, what makes it the data primary.
  // Keyed by each action's own region: storage fails over to Azure's paired region, which may not be standbyLocation.
  const promotions = pulumi.all([sql?.promotions, storage?.promotion]).apply(([fog, account]) => {
    const byRegion: Record<string, ManualPromotion[]> = { [block.location]: [], [dr.standbyLocation]: [] };
    for (const action of [fog?.primary, fog?.standby, account]) if (action) (byRegion[action.region] ??= []).push(action);
    return byRegion;
  });
  const replicates = Boolean(storage || sql);
  return {
    ...outputs,
    trafficUrns: pulumi.all([env.trafficUrns, standby.env.trafficUrns]).apply(([a, b]) => [...a, ...b]),
    dr: { failover: failover.failover, replication: [...(storage ? [storage.replication] : []), ...(sql ? [sql.replication] : [])], standbyEndpoint: standby.env.endpoint },
    regions: regionsOutput(plan, "azure-traffic-manager-priority", { primary: env.endpoint, standby: standby.env.endpoint }, failover.routingUrns, replicates ? { urns: [] } : undefined),
    dataPromotion: promotions,
    drPlan: drPlanOutput(plan, { primary: "azure", standby: "azure" }, {
      replication: replicates,
      rpoSeconds: dr.objectives.rpoSeconds,
      promoteData: common.dr?.config.failover.promoteData ?? true,
      inFlight: common.dr?.inFlight !== undefined,
    }),
  };
}

export const azureTarget: TargetDefinition<typeof azureSchema> = {
  name: "azure",
  schema: azureSchema,
  build: (common, block) => build(common, block),
  regions: (block) => (block.dr ? [block.location, block.dr.standbyLocation] : undefined),
  regionalShift: "at-once",
};
