/**
 * Which region serves and which holds the data, for a cloud target with a standby: the intent
 * (`switchyard:dr.primary`) with the driver's status (regional weights in flight, the promoted
 * data region) applied. Pure: the targets hand the result to the failover and data components,
 * which map "serving" and "data primary" to their own properties (record roles, priorities,
 * replication direction, replica promotion).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegionsOutputs } from "../../model/outputs";
import { effectiveRegionWeights, primaryRegion, servingRegion, type DrConfig, type RegionPair, type RegionWeights } from "../../model/config/dr";
import { ComponentArgsError } from "../errors";
import type { Cloud, DrRole } from "./objectives";

export interface RegionalPlan {
  /** Home region first: its site is the components' `primary`, the other their `standby`. */
  readonly regions: RegionPair;
  /** The regional weights this run applies (all on the serving region for an at-once target). */
  readonly weights: RegionWeights;
  /** The region taking all traffic. */
  readonly serving: string;
  /** The serving region's site, as the components name their two sites. */
  readonly servingRole: DrRole;
  /** The region whose data replicas take writes: the driver's promoted region, else the intent's primary. */
  readonly dataPrimary: string;
  readonly dataRole: DrRole;
}

/** The driver's status names a data region this stack does not have (a status from another stack, or a renamed region). */
export class UnknownDataPrimaryError extends Error {
  constructor(
    readonly region: string,
    readonly regions: RegionPair,
  ) {
    super(
      `the driver's status names "${region}" as the data primary, which is not one of this stack's regions (${regions.join(", ")}); ` +
        `fail back or over with switchyard so that the status names ${regions.join(" or ")}, or clear the failover from the status`,
    );
    this.name = "UnknownDataPrimaryError";
  }
}

/** The DR part of a target's common config (stacks/targets/types.ts CommonConfig.dr). */
export interface RegionalIntent {
  readonly config?: Pick<DrConfig, "primary">;
  readonly inFlight?: RegionWeights;
  readonly dataPrimary?: string;
}

export const roleOf = (region: string, regions: RegionPair): DrRole => (region === regions[0] ? "primary" : "standby");

/**
 * Resolves the run's regional plan. `mechanism` names the regional split in the error an at-once
 * split gives for shares it cannot apply (failover routing sends all traffic to one region).
 */
export function regionalPlan(component: string, mechanism: string, regions: RegionPair, dr: RegionalIntent | undefined): RegionalPlan {
  const weights = effectiveRegionWeights(dr?.config, regions, dr?.inFlight);
  const serving = servingRegion(weights);
  if (!serving) {
    throw new ComponentArgsError(
      component,
      "switchyard:dr.failover.steps",
      `the regional weights ${JSON.stringify(weights)} split traffic between ${regions.join(" and ")}, but ${mechanism} moves all traffic at once (failover routing by health and priority, no shares)`,
      "use steps: [100] (the default) for this target, and a drill share of 100 (switchyard:dr.drill.share)",
    );
  }
  const dataPrimary = dr?.dataPrimary ?? primaryRegion(dr?.config, regions);
  if (!regions.includes(dataPrimary)) throw new UnknownDataPrimaryError(dataPrimary, regions);
  return { regions, weights, serving, servingRole: roleOf(serving, regions), dataPrimary, dataRole: roleOf(dataPrimary, regions) };
}

/** The stack's `regions` output (model/outputs.ts RegionsOutputs), as a target hands it over. */
export function regionsOutput(
  plan: RegionalPlan,
  mechanism: string,
  endpoints: Readonly<Record<DrRole, pulumi.Input<string>>>,
  trafficUrns: pulumi.Input<string[]>,
  data?: { readonly urns: pulumi.Input<string[]> },
): pulumi.Output<RegionsOutputs> {
  return pulumi.output({
    names: plan.regions,
    weights: plan.weights,
    endpoints: { [plan.regions[0]]: endpoints.primary, [plan.regions[1]]: endpoints.standby },
    trafficUrns,
    mechanism,
    ...(data ? { dataPrimary: plan.dataPrimary, dataUrns: data.urns } : {}),
  }) as pulumi.Output<RegionsOutputs>;
}

/**
 * The stack's `drPlan` output, which the policy pack reads (policy/lib/plan.ts): the two sites as
 * built, the site that serves, the data primary (when data replicates), and whether regional
 * weights are in flight (then the data may lag the traffic by design).
 */
export function drPlanOutput(
  plan: RegionalPlan,
  clouds: Readonly<Record<DrRole, Cloud>>,
  facts: { readonly replication: boolean; readonly rpoSeconds: number; readonly promoteData: boolean; readonly inFlight: boolean },
) {
  const site = (region: string) => ({ cloud: clouds[roleOf(region, plan.regions)], region });
  return {
    primary: site(plan.regions[0]),
    standby: site(plan.regions[1]),
    serving: site(plan.serving),
    ...(facts.replication ? { dataPrimary: site(plan.dataPrimary) } : {}),
    replication: { enabled: facts.replication },
    promoteData: facts.promoteData,
    inFlight: facts.inFlight,
    rpoSeconds: facts.rpoSeconds,
  };
}
