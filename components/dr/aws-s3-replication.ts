/**
 * S3 cross-region replication: versioned bucket pair, a role S3 assumes, and one replication
 * configuration (S3 allows only one per source bucket; two resources would fight forever).
 * Replication Time Control is always on: it is what makes the 15-minute RPO a promise.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:S3ReplicatedBucket";

export interface S3ReplicatedBucketArgs {
  readonly primary: Site & { readonly provider: aws.Provider };
  readonly standby: Site & { readonly provider: aws.Provider };
  readonly objectives: RecoveryObjectives;
  /** Replicate deletions too, so the standby is an exact copy. @default true */
  readonly replicateDeletes?: boolean;
}

export class S3ReplicatedBucket extends pulumi.ComponentResource {
  readonly primaryBucket: aws.s3.Bucket;
  readonly standbyBucket: aws.s3.Bucket;
  readonly replication: pulumi.Output<ReplicationStatus>;

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
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [this.primaryBucket.arn] },
            { Effect: "Allow", Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], Resource: [pulumi.interpolate`${this.primaryBucket.arn}/*`] },
            { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: [pulumi.interpolate`${this.standbyBucket.arn}/*`] },
          ],
        }),
      },
      atPrimary,
    );
    const ruleId = "switchyard-dr";
    const config = new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: this.primaryBucket.id,
        role: role.arn,
        rules: [
          {
            id: ruleId,
            status: "Enabled",
            filter: { prefix: "" }, // V2 rule schema: required for deleteMarkerReplication
            deleteMarkerReplication: { status: args.replicateDeletes === false ? "Disabled" : "Enabled" },
            destination: {
              bucket: this.standbyBucket.arn,
              storageClass: "STANDARD",
              replicationTime: { status: "Enabled", time: { minutes: 15 } },
              metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
            },
          },
        ],
      },
      // Replication needs versioning on both buckets first.
      { ...atPrimary, dependsOn: versioning },
    );
    this.replication = pulumi
      .all([this.primaryBucket.bucket, this.standbyBucket.bucket, config.rules])
      .apply(([source, destination, rules]): ReplicationStatus => ({
        mechanism: "s3-replication",
        primary: { cloud: "aws", region: args.primary.region, resource: source },
        standby: { cloud: "aws", region: args.standby.region, resource: destination },
        objectives: args.objectives,
        check: `CloudWatch AWS/S3 ReplicationLatency and OperationsPendingReplication, dimensions SourceBucket=${source} DestinationBucket=${destination} RuleId=${ruleId}`,
        declared: rules[0]?.status ?? "unknown",
      }));
    this.registerOutputs({ replication: this.replication });
  }
}
