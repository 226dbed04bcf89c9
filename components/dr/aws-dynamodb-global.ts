/** DynamoDB global table (version 2019.11.21): the table in the primary region, a replica in the standby's. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:DynamoGlobalTable";

export interface DynamoGlobalTableArgs {
  readonly primary: Site & { readonly provider: aws.Provider };
  /** The replica is declared on the table, in this region; no standby provider is needed. */
  readonly standby: Site;
  readonly objectives: RecoveryObjectives;
  readonly hashKey: string;
  /** @default "S" */
  readonly hashKeyType?: "S" | "N" | "B";
}

export class DynamoGlobalTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly replication: pulumi.Output<ReplicationStatus>;

  constructor(name: string, args: DynamoGlobalTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertStandbyElsewhere(TYPE, args.primary, args.standby);
    assertSameCloud(TYPE, "aws", args.primary, args.standby);
    assertObjectives(TYPE, "dynamodb-global-table", args.objectives);
    if (!args.hashKey) throw new ComponentArgsError(TYPE, "hashKey", "is required", 'name the partition key attribute, e.g. "pk"');
    // Replicas are declared inline only: mixing with aws.dynamodb.TableReplica makes both fight.
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: args.hashKey,
        attributes: [{ name: args.hashKey, type: args.hashKeyType ?? "S" }],
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        pointInTimeRecovery: { enabled: true },
        replicas: [{ regionName: args.standby.region, pointInTimeRecovery: true }],
      },
      { parent: this, provider: args.primary.provider },
    );
    this.replication = pulumi.all([this.table.name, this.table.replicas]).apply(([table, replicas]): ReplicationStatus => ({
      mechanism: "dynamodb-global-table",
      primary: { cloud: "aws", region: args.primary.region, resource: table },
      standby: { cloud: "aws", region: args.standby.region, resource: table },
      objectives: args.objectives,
      check: `CloudWatch AWS/DynamoDB ReplicationLatency, dimensions TableName=${table} ReceivingRegion=${args.standby.region}; DescribeTable Replicas[].ReplicaStatus = ACTIVE`,
      declared: (replicas ?? []).map((r) => r.regionName).join(",") || "none",
    }));
    this.registerOutputs({ replication: this.replication });
  }
}
