/**
 * Aurora global database: a global cluster, a writer cluster in the primary region, a reader cluster
 * in the standby's. Which member writes is not a property (GlobalCluster has no input naming it;
 * the members' roles are outputs): Aurora moves the writer only through its switchover/failover
 * actions, so `promotions` says what the driver runs, and the members ignore the replication
 * source that the action rewrites.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type DrRole, type ManualPromotion, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:AuroraGlobalDatabase";

export interface AuroraGlobalDatabaseArgs {
  readonly primary: Site & { readonly provider: aws.Provider };
  readonly standby: Site & { readonly provider: aws.Provider };
  readonly objectives: RecoveryObjectives;
  /** @default "aurora-postgresql" */
  readonly engine?: "aurora-postgresql" | "aurora-mysql";
  /** @default "16.4" */
  readonly engineVersion?: string;
  /** @default "db.r6g.large" */
  readonly instanceClass?: string;
  /** @default "app" */
  readonly masterUsername?: string;
}

export class AuroraGlobalDatabase extends pulumi.ComponentResource {
  readonly globalCluster: aws.rds.GlobalCluster;
  readonly primaryCluster: aws.rds.Cluster;
  readonly standbyCluster: aws.rds.Cluster;
  readonly replication: pulumi.Output<ReplicationStatus>;
  /** Writer and reader endpoints a client or drill connects to. */
  readonly endpoints: pulumi.Output<{ primary: string; standby: string }>;
  /** The writer move per site: run to make that site's cluster the writer. */
  readonly promotions: pulumi.Output<Record<DrRole, ManualPromotion>>;

  constructor(name: string, args: AuroraGlobalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    assertSameCloud(TYPE, "aws", args.primary, args.standby);
    assertObjectives(TYPE, "aurora-global-database", args.objectives);
    const engine = args.engine ?? "aurora-postgresql";
    const atPrimary = { parent: this, provider: args.primary.provider };
    const atStandby = { parent: this, provider: args.standby.provider };
    this.globalCluster = new aws.rds.GlobalCluster(
      `${name}-global`,
      { globalClusterIdentifier: `${name}-global`, engine, engineVersion: args.engineVersion ?? "16.4", storageEncrypted: true },
      atPrimary,
    );
    // The password stays with RDS (Secrets Manager); nothing secret enters state or outputs.
    this.primaryCluster = new aws.rds.Cluster(
      `${name}-primary`,
      { engine, engineVersion: this.globalCluster.engineVersion, globalClusterIdentifier: this.globalCluster.id, masterUsername: args.masterUsername ?? "app", manageMasterUserPassword: true, skipFinalSnapshot: false, finalSnapshotIdentifier: `${name}-final` },
      // After a switchover this cluster is a secondary whose source AWS sets: not ours to revert.
      { ...atPrimary, ignoreChanges: ["replicationSourceIdentifier"] },
    );
    const writer = new aws.rds.ClusterInstance(
      `${name}-primary-writer`,
      { clusterIdentifier: this.primaryCluster.id, engine, instanceClass: args.instanceClass ?? "db.r6g.large" },
      atPrimary,
    );
    // Provider docs: the secondary waits for the primary's instance, and replicationSourceIdentifier
    // is set by AWS after joining the global cluster (not a weight: ignoring it is safe).
    this.standbyCluster = new aws.rds.Cluster(
      `${name}-standby`,
      { engine, engineVersion: this.globalCluster.engineVersion, globalClusterIdentifier: this.globalCluster.id, skipFinalSnapshot: true },
      { ...atStandby, dependsOn: [writer], ignoreChanges: ["replicationSourceIdentifier"] },
    );
    new aws.rds.ClusterInstance(
      `${name}-standby-reader`,
      { clusterIdentifier: this.standbyCluster.id, engine, instanceClass: args.instanceClass ?? "db.r6g.large" },
      atStandby,
    );
    this.replication = pulumi
      .all([this.globalCluster.id, this.primaryCluster.clusterIdentifier, this.standbyCluster.clusterIdentifier, this.globalCluster.globalClusterMembers])
      .apply(([global, primary, standby, members]): ReplicationStatus => ({
        mechanism: "aurora-global-database",
        primary: { cloud: "aws", region: args.primary.region, resource: primary },
        standby: { cloud: "aws", region: args.standby.region, resource: standby },
        objectives: args.objectives,
        check: `CloudWatch AWS/RDS AuroraGlobalDBReplicationLag (ms) on ${standby}; DescribeGlobalClusters ${global} GlobalClusterMembers[].IsWriter`,
        declared: `members=${(members ?? []).length}`,
      }));
    this.promotions = pulumi.all([this.globalCluster.id, this.primaryCluster.arn, this.standbyCluster.arn]).apply(([global, primary, standby]) => {
      const promote = (arn: string, region: string): ManualPromotion => ({
        mechanism: "aurora-global-database",
        region,
        command: `aws rds switchover-global-cluster --global-cluster-identifier ${global} --target-db-cluster-identifier ${arn} (when the writer's region is down: aws rds failover-global-cluster ... --allow-data-loss)`,
        why: "Aurora moves the writer of a global database only through its switchover (no data loss) or failover action",
      });
      return { primary: promote(primary, args.primary.region), standby: promote(standby, args.standby.region) };
    });
    this.endpoints = pulumi.all([this.primaryCluster.endpoint, this.standbyCluster.readerEndpoint]).apply(([primary, standby]) => ({ primary, standby }));
    this.registerOutputs({ replication: this.replication, endpoints: this.endpoints });
  }
}
