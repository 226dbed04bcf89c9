/**
 * Cloud SQL cross-region read replica. Promotion is the failover: the driver (or a drill) promotes
 * the replica; the switch of `instanceType` then shows in the next preview as drift to adopt.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:CloudSqlCrossRegionReplica";

export interface CloudSqlCrossRegionReplicaArgs {
  readonly primary: Site & { readonly provider: gcp.Provider };
  readonly standby: Site & { readonly provider: gcp.Provider };
  readonly objectives: RecoveryObjectives;
  /** @default "POSTGRES_16" */
  readonly databaseVersion?: string;
  /** @default "db-custom-2-7680" */
  readonly tier?: string;
}

export class CloudSqlCrossRegionReplica extends pulumi.ComponentResource {
  readonly primaryInstance: gcp.sql.DatabaseInstance;
  readonly standbyInstance: gcp.sql.DatabaseInstance;
  readonly replication: pulumi.Output<ReplicationStatus>;
  readonly endpoints: pulumi.Output<{ primary: string; standby: string }>;

  constructor(name: string, args: CloudSqlCrossRegionReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    assertSameCloud(TYPE, "gcp", args.primary, args.standby);
    assertObjectives(TYPE, "cloud-sql-replica", args.objectives);
    const databaseVersion = args.databaseVersion ?? "POSTGRES_16";
    const tier = args.tier ?? "db-custom-2-7680";
    // Replicas need backups (and PITR / binary logging) on the primary.
    this.primaryInstance = new gcp.sql.DatabaseInstance(
      `${name}-primary`,
      {
        region: args.primary.region,
        databaseVersion,
        deletionProtection: true,
        settings: {
          tier,
          edition: "ENTERPRISE",
          availabilityType: "REGIONAL",
          deletionProtectionEnabled: true,
          backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, ...(databaseVersion.startsWith("MYSQL") ? { binaryLogEnabled: true } : {}) },
        },
      },
      { parent: this, provider: args.primary.provider },
    );
    this.standbyInstance = new gcp.sql.DatabaseInstance(
      `${name}-standby`,
      {
        region: args.standby.region,
        databaseVersion,
        masterInstanceName: this.primaryInstance.name,
        instanceType: "READ_REPLICA_INSTANCE",
        deletionProtection: true,
        settings: { tier, edition: "ENTERPRISE", availabilityType: "ZONAL", deletionProtectionEnabled: true },
      },
      { parent: this, provider: args.standby.provider },
    );
    this.replication = pulumi
      .all([this.primaryInstance.name, this.standbyInstance.name, this.standbyInstance.masterInstanceName])
      .apply(([primary, standby, master]): ReplicationStatus => ({
        mechanism: "cloud-sql-replica",
        primary: { cloud: "gcp", region: args.primary.region, resource: primary },
        standby: { cloud: "gcp", region: args.standby.region, resource: standby },
        objectives: args.objectives,
        check: `Cloud Monitoring cloudsql.googleapis.com/database/replication/replica_lag on ${standby}; gcloud sql instances describe ${standby} (state RUNNABLE, masterInstanceName ${primary})`,
        declared: `replica-of=${master}`,
      }));
    this.endpoints = pulumi.all([this.primaryInstance.connectionName, this.standbyInstance.connectionName]).apply(([primary, standby]) => ({ primary, standby }));
    this.registerOutputs({ replication: this.replication, endpoints: this.endpoints });
  }
}
