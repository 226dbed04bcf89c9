/**
 * S3 cross-region replication: versioned bucket pair, a role S3 assumes, and one replication
 * configuration (S3 allows only one per source bucket; two resources would fight forever).
 * Replication Time Control is always on: it is what makes the 15-minute RPO a promise.
 * Both buckets take writes (S3 needs no promotion); `dataPrimary` sets the replication direction,
 * so that after a failover the standby's writes flow back to the home bucket.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type DrRole, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:S3ReplicatedBucket";

export interface S3ReplicatedBucketArgs {
  readonly primary: Site & { readonly provider: aws.Provider };
  readonly standby: Site & { readonly provider: aws.Provider };
  readonly objectives: RecoveryObjectives;
  /** Replicate deletions too, so the standby is an exact copy. @default true */
  readonly replicateDeletes?: boolean;
  /** The site whose bucket is the replication source. @default "primary" */
  readonly dataPrimary?: DrRole;
}

export class S3ReplicatedBucket extends pulumi.ComponentResource {
  readonly primaryBucket: aws.s3.Bucket;
  readonly standbyBucket: aws.s3.Bucket;
  readonly replication: pulumi.Output<ReplicationStatus>;
  /** URN of the replication configuration: moving the data primary replaces only it. */
  readonly dataUrns: pulumi.Output<string[]>;

  constructor(name: string, args: S3ReplicatedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    assertSameCloud(TYPE, "aws", args.primary, args.standby);
    assertObjectives(TYPE, "s3-replication", args.objectives);
    const atPrimary = { parent: this, provider: args.primary.provider };
    const atStandby = { parent: this, provider: args.standby.provider };
    this.primaryBucket = new aws.s3.Bucket(`${name}-primary`, {}, atPrimary);
    this.standbyBucket = new aws.s3.Bucket(`${name}-standby`, {}, atStandby);
    const versioning = [
      new aws.s3.BucketVersioning(`${name}-primary-versioning`, { bucket: this.primaryBucket.id, versioningConfiguration: { status: "Enabled" } }, atPrimary),
      new aws.s3.BucketVersioning(`${name}-standby-versioning`, { bucket: this.standbyBucket.id, versioningConfiguration: { status: "Enabled" } }, atStandby),
    ];
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      atPrimary,
    );
    // The role may replicate either way, so that moving the data primary changes the configuration alone.
    const buckets = [this.primaryBucket.arn, this.standbyBucket.arn];
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: buckets },
            { Effect: "Allow", Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], Resource: buckets.map((arn) => pulumi.interpolate`${arn}/*`) },
            { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: buckets.map((arn) => pulumi.interpolate`${arn}/*`) },
          ],
        }),
      },
      atPrimary,
    );
    const ruleId = "switchyard-dr";
    const fromStandby = (args.dataPrimary ?? "primary") === "standby";
    const [source, destination] = fromStandby ? [this.standbyBucket, this.primaryBucket] : [this.primaryBucket, this.standbyBucket];
    const config = new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: source.id,
        role: role.arn,
        rules: [
          {
            id: ruleId,
            status: "Enabled",
            filter: { prefix: "" }, // V2 rule schema: required for deleteMarkerReplication
            deleteMarkerReplication: { status: args.replicateDeletes === false ? "Disabled" : "Enabled" },
            destination: {
              bucket: destination.arn,
              storageClass: "STANDARD",
              replicationTime: { status: "Enabled", time: { minutes: 15 } },
              metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
            },
          },
        ],
      },
      // Replication needs versioning on both buckets first. The source bucket's region serves the
      // configuration; a new source replaces it, the new one created before the old one goes.
      { ...(fromStandby ? atStandby : atPrimary), dependsOn: versioning },
    );
    const sites = fromStandby ? ([args.standby, args.primary] as const) : ([args.primary, args.standby] as const);
    this.replication = pulumi
      .all([source.bucket, destination.bucket, config.rules])
      .apply(([from, to, rules]): ReplicationStatus => ({
        mechanism: "s3-replication",
        primary: { cloud: "aws", region: sites[0].region, resource: from },
        standby: { cloud: "aws", region: sites[1].region, resource: to },
        objectives: args.objectives,
        check: `CloudWatch AWS/S3 ReplicationLatency and OperationsPendingReplication, dimensions SourceBucket=${from} DestinationBucket=${to} RuleId=${ruleId}`,
        declared: rules[0]?.status ?? "unknown",
      }));
    this.dataUrns = pulumi.all([config.urn]);
    this.registerOutputs({ replication: this.replication });
  }
}
