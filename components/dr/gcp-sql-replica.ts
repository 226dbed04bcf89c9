/**
 * Cloud SQL cross-region read replica. Promotion is a property change the engine applies in place
 * (`dataPrimary: "standby"`): the replica drops `masterInstanceName` and becomes a standalone
 * `CLOUD_SQL_INSTANCE` (the provider calls instances.promoteReplica), with backups on, since it
 * now takes the writes. Promotion is one-way: Cloud SQL cannot turn an instance back into a
 * replica in place (declaring `masterInstanceName` again would replace the instance, which
 * deletion protection refuses), so moving the data back is a re-seed the driver must run
 * (`failback`, exported as a ManualPromotion).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type DrRole, type ManualPromotion, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:CloudSqlCrossRegionReplica";

export interface CloudSqlCrossRegionReplicaArgs {
  readonly primary: Site & { readonly provider: gcp.Provider };
  readonly standby: Site & { readonly provider: gcp.Provider };
  readonly objectives: RecoveryObjectives;
  /** @default "POSTGRES_16" */
  readonly databaseVersion?: string;
  /** @default "db-custom-2-7680" */
  readonly tier?: string;
  /** The site whose instance takes writes; "standby" promotes the replica. @default "primary" */
  readonly dataPrimary?: DrRole;
  /** GCP project, for the commands of `failback`. @default the provider's */
  readonly project?: string;
}

export class CloudSqlCrossRegionReplica extends pulumi.ComponentResource {
  readonly primaryInstance: gcp.sql.DatabaseInstance;
  readonly standbyInstance: gcp.sql.DatabaseInstance;
  readonly replication: pulumi.Output<ReplicationStatus>;
  readonly endpoints: pulumi.Output<{ primary: string; standby: string }>;
  /** URN of the replica: a promotion is an in-place update of it alone. */
  readonly dataUrns: pulumi.Output<string[]>;
  /** What moving the data back to the home region takes, once the replica was promoted. */
  readonly failback: pulumi.Output<ManualPromotion>;

  constructor(name: string, args: CloudSqlCrossRegionReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    assertSameCloud(TYPE, "gcp", args.primary, args.standby);
    assertObjectives(TYPE, "cloud-sql-replica", args.objectives);
    const databaseVersion = args.databaseVersion ?? "POSTGRES_16";
    const tier = args.tier ?? "db-custom-2-7680";
    const backups = { enabled: true, pointInTimeRecoveryEnabled: true, ...(databaseVersion.startsWith("MYSQL") ? { binaryLogEnabled: true } : {}) };
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
          backupConfiguration: backups,
        },
      },
      { parent: this, provider: args.primary.provider },
    );
    const promoted = args.dataPrimary === "standby";
    this.standbyInstance = new gcp.sql.DatabaseInstance(
      `${name}-standby`,
      {
        region: args.standby.region,
        databaseVersion,
        ...(promoted
          ? { instanceType: "CLOUD_SQL_INSTANCE", settings: { tier, edition: "ENTERPRISE", availabilityType: "ZONAL", deletionProtectionEnabled: true, backupConfiguration: backups } }
          : { masterInstanceName: this.primaryInstance.name, instanceType: "READ_REPLICA_INSTANCE", settings: { tier, edition: "ENTERPRISE", availabilityType: "ZONAL", deletionProtectionEnabled: true } }),
        deletionProtection: true,
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
        declared: master ? `replica-of=${master}` : "promoted: standalone primary",
      }));
    this.dataUrns = pulumi.all([this.standbyInstance.urn]);
    const project = args.project ? ` --project=${args.project}` : "";
    this.failback = pulumi.all([this.primaryInstance.name, this.standbyInstance.name]).apply(([home, standby]) => ({
      mechanism: "cloud-sql-replica" as const,
      region: args.primary.region,
      command: `gcloud sql instances create ${home}-reseeded --master-instance-name=${standby} --region=${args.primary.region}${project}, then promote it (gcloud sql instances promote-replica ${home}-reseeded) and point the stack's primary instance at it (pulumi import), retiring ${home}`,
      why: "Cloud SQL cannot demote an instance to a replica in place: the home region's data comes back only as a new replica of the promoted instance",
    }));
    this.endpoints = pulumi.all([this.primaryInstance.connectionName, this.standbyInstance.connectionName]).apply(([primary, standby]) => ({ primary, standby }));
    this.registerOutputs({ replication: this.replication, endpoints: this.endpoints });
  }
}
