/**
 * The contract between the stack program and one deployment target (a cloud or the local
 * machine). Each target owns the `switchyard:<target>` config block: a zod schema for it, and a
 * build function that creates the target's components from the common config plus that block.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { MechanismKind } from "../../model/mechanism";
import type { TargetOutputs } from "../../model/outputs";
import type { Slot, Weights } from "../../model/weights";
import type { DrConfig, RegionPair, RegionWeights } from "../../model/config/dr";

/** A slot as the stack config declares it; the knobs past `version` act on the local target only. */
export interface SlotConfig {
  readonly version: string;
  readonly failureRate?: number;
  readonly latencyMs?: number;
}

/** What every target reads, whatever the cloud: validated `switchyard:` keys shared by all. */
export interface CommonConfig {
  readonly service: string;
  /** Artifact version per slot (image tag, AMI name, revision...). */
  readonly slots: Readonly<Record<Slot, SlotConfig>>;
  readonly traffic: Weights;
  /**
   * The idle slot the driver scaled down after a blue-green switch (its status, never the stack
   * file's): the target runs nothing there, and no weight may point at it.
   */
  readonly scaledDown?: Slot;
  /**
   * Disaster recovery: the intent (`switchyard:dr`: which region serves) and the regional weights
   * a failover, failback or drill has in flight (the driver's status; absent: all on the primary).
   * A target with two regions resolves them with effectiveRegionWeights (model/config/dr.ts).
   */
  readonly dr?: { readonly config: DrConfig; readonly inFlight?: RegionWeights; readonly dataPrimary?: string };
}

export interface TargetDefinition<Schema extends z.ZodType> {
  /** `switchyard:target` value and name of its config block. */
  readonly name: string;
  /** Schema of the `switchyard:<name>` block. */
  readonly schema: Schema;
  readonly build: (common: CommonConfig, block: z.output<Schema>, stack: string) => TargetOutputs;
  /** The target's two regions (home first) when the block declares a standby; undefined: no DR. */
  readonly regions?: (block: z.output<Schema>) => RegionPair | undefined;
  /**
   * How the regional split moves traffic: "stepped" takes any shares (a weighted front or DNS),
   * "at-once" only all-or-nothing (failover routing by health and priority).
   */
  readonly regionalShift?: "stepped" | "at-once";
}

/** What every blue/green environment component exposes, whatever the cloud. */
export interface EnvironmentLike {
  readonly endpoint: pulumi.Input<string>;
  readonly weights: pulumi.Input<Weights>;
  readonly versions: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly slotEndpoints: Readonly<Record<Slot, pulumi.Input<string>>>;
  readonly trafficUrns: pulumi.Input<pulumi.Input<string>[]>;
  /** The kind of traffic split the environment built. */
  readonly mechanism: MechanismKind;
  readonly capacities: Readonly<Record<Slot, pulumi.Input<number>>>;
}

/** The stack outputs of an environment, named as the driver and reports read them. */
export function environmentOutputs(env: EnvironmentLike) {
  return {
    endpoint: env.endpoint,
    weights: env.weights,
    slots: {
      blue: { version: env.versions.blue, endpoint: env.slotEndpoints.blue },
      green: { version: env.versions.green, endpoint: env.slotEndpoints.green },
    },
    trafficUrns: env.trafficUrns,
    trafficMechanism: env.mechanism,
    capacities: env.capacities,
  };
}
