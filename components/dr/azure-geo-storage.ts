/**
 * Geo-redundant Azure storage: the platform replicates to the paired region; read access there with
 * RA-*. Writes move there only through the account failover action (no property does it), which
 * also leaves the account locally redundant in the new region: `promotion` names it, for a lost
 * home region only (it is no drill step).
 */
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertObjectives, type ManualPromotion, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:GeoRedundantStorage";
export const GEO_SKUS = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"] as const;

export interface GeoRedundantStorageArgs {
  readonly provider: AzureProvider;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly primary: Site;
  readonly objectives: RecoveryObjectives;
  /** Read access to the secondary is what lets a drill verify the copy. @default "Standard_RAGZRS" */
  readonly sku?: (typeof GEO_SKUS)[number];
}

export class GeoRedundantStorage extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly replication: pulumi.Output<ReplicationStatus>;
  readonly endpoints: pulumi.Output<{ primary: string; standby: string }>;
  readonly promotion: pulumi.Output<ManualPromotion>;

  constructor(name: string, args: GeoRedundantStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertObjectives(TYPE, "azure-geo-redundant-storage", args.objectives);
    const sku = args.sku ?? "Standard_RAGZRS";
    if (!GEO_SKUS.includes(sku)) {
      throw new ComponentArgsError(TYPE, "sku", `${JSON.stringify(sku)} is not geo-redundant`, `use one of ${GEO_SKUS.join(", ")}`);
    }
    this.account = new storage.StorageAccount(
      `${name}-account`,
      { resourceGroupName: args.resourceGroupName, location: args.primary.region, kind: "StorageV2", sku: { name: sku }, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false },
      { parent: this, provider: args.provider },
    );
    this.replication = pulumi
      .all([this.account.name, this.account.secondaryLocation])
      .apply(([account, secondary]): ReplicationStatus => ({
        mechanism: "azure-geo-redundant-storage",
        primary: { cloud: "azure", region: args.primary.region, resource: account },
        standby: { cloud: "azure", region: secondary ?? "paired-region", resource: account },
        objectives: args.objectives,
        check: `az storage account show -n ${account} --expand geoReplicationStats: geoReplicationStats.lastSyncTime within the RPO`,
        declared: sku,
      }));
    this.promotion = pulumi.all([this.account.name, this.account.secondaryLocation, pulumi.output(args.resourceGroupName)]).apply(([account, secondary, rg]) => ({
      mechanism: "azure-geo-redundant-storage" as const,
      region: secondary ?? "paired-region",
      command: `az storage account failover --name ${account} --resource-group ${rg}`,
      why: "only Azure's account failover makes the paired region writable; it converts the account to LRS there, so re-enable geo-redundancy (and expect the SKU and location as drift) afterwards",
    }));
    this.endpoints = pulumi
      .all([this.account.primaryEndpoints, this.account.secondaryEndpoints])
      .apply(([p, s]) => ({ primary: p?.blob ?? "", standby: s?.blob ?? "" }));
    this.registerOutputs({ replication: this.replication, endpoints: this.endpoints });
  }
}
