/**
 * Cross-cloud data copy for an AWS primary with a GCP standby: a GCS bucket in the standby region
 * and a Storage Transfer Service job that pulls the S3 bucket on a schedule. Google's transfer
 * service account assumes an AWS role through web identity federation: no access key exists.
 * The job repeats at most hourly (the service's shortest interval), hence the 3600 s RPO floor.
 * When GCS becomes the data primary (`dataPrimary: "standby"`), the job is disabled: its next run
 * would overwrite the objects written to GCS since the failover with S3's older copies. The copy
 * runs one way only (Storage Transfer writes to GCS), so moving the data back to S3 is a copy the
 * driver runs (`failback`), before the job is enabled again.
 */
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertObjectives, assertStandbyElsewhere, type DrRole, type ManualPromotion, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";
import { ComponentArgsError } from "../errors";

const TYPE = "switchyard:dr:S3ToGcsTransfer";

export interface S3ToGcsTransferArgs {
  readonly primary: Site & { readonly provider: aws.Provider; readonly bucketName: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string> };
  readonly standby: Site & { readonly provider: gcp.Provider; readonly project: string };
  readonly objectives: RecoveryObjectives;
  /** First day the schedule runs. A constant, so that it never shows as a diff. @default 2026-01-01 */
  readonly startDate?: { readonly year: number; readonly month: number; readonly day: number };
  /** The site whose bucket takes writes; "standby" disables the copy. @default "primary" */
  readonly dataPrimary?: DrRole;
}

/** Transfer runs every RPO seconds, rounded down to whole hours (at least one). */
export function transferInterval(rpoSeconds: number): string {
  return `${Math.max(1, Math.floor(rpoSeconds / 3600)) * 3600}s`;
}

export class S3ToGcsTransfer extends pulumi.ComponentResource {
  readonly standbyBucket: gcp.storage.Bucket;
  readonly replication: pulumi.Output<ReplicationStatus>;
  /** URN of the transfer job: moving the data primary updates only its status. */
  readonly dataUrns: pulumi.Output<string[]>;
  /** What moving the data back to S3 takes once GCS took writes. */
  readonly failback: pulumi.Output<ManualPromotion>;

  constructor(name: string, args: S3ToGcsTransferArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    if (args.primary.cloud !== "aws" || args.standby.cloud !== "gcp") {
      throw new ComponentArgsError(TYPE, "standby.cloud", `copies from aws to gcp, got ${args.primary.cloud} to ${args.standby.cloud}`, "use S3ReplicatedBucket within AWS");
    }
    assertObjectives(TYPE, "gcs-transfer-from-s3", args.objectives);
    const atGcp = { parent: this, provider: args.standby.provider };
    const agent = gcp.storage.getTransferProjectServiceAccountOutput({ project: args.standby.project }, atGcp);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Federated: "accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "accounts.google.com:sub": agent.subjectId } } },
          ],
        }),
      },
      { parent: this, provider: args.primary.provider },
    );
    new aws.iam.RolePolicy(
      `${name}-read`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"], Resource: [args.primary.bucketArn, pulumi.interpolate`${args.primary.bucketArn}/*`] }],
        }),
      },
      { parent: this, provider: args.primary.provider },
    );
    this.standbyBucket = new gcp.storage.Bucket(
      `${name}-standby`,
      { location: args.standby.region.toUpperCase(), uniformBucketLevelAccess: true, versioning: { enabled: true } },
      atGcp,
    );
    new gcp.storage.BucketIAMMember(`${name}-writer`, { bucket: this.standbyBucket.name, role: "roles/storage.admin", member: agent.member }, atGcp);
    const start = args.startDate ?? { year: 2026, month: 1, day: 1 };
    const job = new gcp.storage.TransferJob(
      `${name}-job`,
      {
        description: `switchyard DR copy of ${name} (RPO ${args.objectives.rpoSeconds} s)`,
        project: args.standby.project,
        transferSpec: {
          awsS3DataSource: { bucketName: args.primary.bucketName, roleArn: role.arn },
          gcsDataSink: { bucketName: this.standbyBucket.name },
          transferOptions: { deleteObjectsUniqueInSink: false, overwriteWhen: "DIFFERENT" },
        },
        schedule: { scheduleStartDate: start, repeatInterval: transferInterval(args.objectives.rpoSeconds) },
        status: args.dataPrimary === "standby" ? "DISABLED" : "ENABLED",
      },
      atGcp,
    );
    this.replication = pulumi
      .all([pulumi.output(args.primary.bucketName), this.standbyBucket.name, job.name, job.status])
      .apply(([source, sink, jobName, status]): ReplicationStatus => ({
        mechanism: "gcs-transfer-from-s3",
        primary: { cloud: "aws", region: args.primary.region, resource: source },
        standby: { cloud: "gcp", region: args.standby.region, resource: sink },
        objectives: args.objectives,
        check: `gcloud transfer operations list --job-names=${jobName}: latest operation SUCCESS and started within ${transferInterval(args.objectives.rpoSeconds)}`,
        declared: status ?? "ENABLED",
      }));
    this.dataUrns = pulumi.all([job.urn]);
    this.failback = pulumi.all([pulumi.output(args.primary.bucketName), this.standbyBucket.name]).apply(([source, sink]) => ({
      mechanism: "gcs-transfer-from-s3" as const,
      region: args.primary.region,
      command: `gcloud storage rsync --recursive gs://${sink} s3://${source} (AWS credentials for the S3 side), then fail the data back so the job runs again`,
      why: "Storage Transfer copies into GCS only: the writes GCS took since the failover reach S3 only by a copy the driver runs",
    }));
    this.registerOutputs({ replication: this.replication });
  }
}
