/**
 * Azure SQL failover group: a server per region, the database on the primary, geo-replicated to the
 * partner. Entra ID-only authentication: no SQL password exists to leak into state or outputs.
 *
 * Which server is primary is not a property: the FailoverGroup resource has no input naming it
 * (partner roles are outputs), and Azure swaps the roles only through the failover action. So a
 * promotion is never an engine update here; `promotions` says what the driver runs instead, and
 * the resource stays declared on the home server (its next refresh reads the swapped roles).
 */
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { assertObjectives, assertSameCloud, assertStandbyElsewhere, type DrRole, type ManualPromotion, type RecoveryObjectives, type ReplicationStatus, type Site } from "./objectives";

const TYPE = "switchyard:dr:AzureSqlFailoverGroup";

export interface AzureSqlFailoverGroupArgs {
  readonly provider: AzureProvider;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly primary: Site;
  readonly standby: Site;
  readonly objectives: RecoveryObjectives;
  /** Entra ID group or user that administers both servers. */
  readonly admin: { readonly login: string; readonly objectId: string };
  /**
   * Automatic: Azure fails over after a grace period of at least 60 minutes (derived from rtoSeconds).
   * Manual: the driver or a drill fails over; the RTO is then the operator's.
   * @default "Automatic"
   */
  readonly failoverPolicy?: "Automatic" | "Manual";
  /** @default "S0" */
  readonly sku?: string;
}

/** Grace period in minutes for Automatic failover; Azure's minimum is 60. */
export function gracePeriodMinutes(rtoSeconds: number): number {
  return Math.max(60, Math.floor(rtoSeconds / 60));
}

export function assertAzureSqlArgs(args: AzureSqlFailoverGroupArgs): void {
  assertStandbyElsewhere(TYPE, args.primary, args.standby);
  assertSameCloud(TYPE, "azure", args.primary, args.standby);
  assertObjectives(TYPE, "azure-sql-failover-group", args.objectives);
  if ((args.failoverPolicy ?? "Automatic") === "Automatic" && args.objectives.rtoSeconds < 3600) {
    throw new ComponentArgsError(
      TYPE,
      "objectives.rtoSeconds",
      `${args.objectives.rtoSeconds} s is shorter than the 60-minute minimum grace period of automatic failover`,
      'set failoverPolicy: "Manual" and let the driver fail over, or accept an RTO of 3600 s',
    );
  }
  if (!args.admin?.login || !args.admin?.objectId) {
    throw new ComponentArgsError(TYPE, "admin", "needs login and objectId of an Entra ID principal", "give the group that administers the databases");
  }
}

export class AzureSqlFailoverGroup extends pulumi.ComponentResource {
  readonly failoverGroup: sql.FailoverGroup;
  readonly replication: pulumi.Output<ReplicationStatus>;
  /** Listener names that follow the primary role: clients connect here, never to a server. */
  readonly endpoints: pulumi.Output<{ readWrite: string; readOnly: string }>;
  /** The failover action per site: run on the server that is to become primary. */
  readonly promotions: pulumi.Output<Record<DrRole, ManualPromotion>>;

  constructor(name: string, args: AzureSqlFailoverGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertAzureSqlArgs(args);
    const child = { parent: this, provider: args.provider };
    const server = (role: "primary" | "standby") =>
      new sql.Server(
        `${name}-${role}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: role === "standby" ? args.standby.region : args.primary.region,
          minimalTlsVersion: "1.2",
          administrators: { administratorType: "ActiveDirectory", azureADOnlyAuthentication: true, login: args.admin.login, sid: args.admin.objectId, principalType: "Group" },
        },
        child,
      );
    const primary = server("primary");
    const standby = server("standby");
    const db = new sql.Database(`${name}-db`, { resourceGroupName: args.resourceGroupName, serverName: primary.name, location: args.primary.region, sku: { name: args.sku ?? "S0" } }, child);
    const policy = args.failoverPolicy ?? "Automatic";
    this.failoverGroup = new sql.FailoverGroup(
      `${name}-fog`,
      {
        resourceGroupName: args.resourceGroupName,
        serverName: primary.name,
        partnerServers: [{ id: standby.id }],
        databases: [db.id],
        readWriteEndpoint: policy === "Automatic" ? { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: gracePeriodMinutes(args.objectives.rtoSeconds) } : { failoverPolicy: "Manual" },
        readOnlyEndpoint: { failoverPolicy: "Disabled" },
      },
      child,
    );
    const fogName = this.failoverGroup.name;
    this.replication = pulumi
      .all([primary.name, standby.name, fogName, this.failoverGroup.replicationRole])
      .apply(([p, s, fog, role]): ReplicationStatus => ({
        mechanism: "azure-sql-failover-group",
        primary: { cloud: "azure", region: args.primary.region, resource: p },
        standby: { cloud: "azure", region: args.standby.region, resource: s },
        objectives: args.objectives,
        check: `az sql failover-group show --name ${fog} --server ${p}: replicationState CATCH_UP or SEEDING=not ready, replicationRole of ${p} = Primary`,
        declared: `role=${role ?? "unknown"}`,
      }));
    this.promotions = pulumi.all([primary.name, standby.name, fogName, pulumi.output(args.resourceGroupName)]).apply(([p, s, fog, rg]) => {
      const promote = (server: string, region: string): ManualPromotion => ({
        mechanism: "azure-sql-failover-group",
        region,
        command: `az sql failover-group set-primary --name ${fog} --resource-group ${rg} --server ${server}`,
        why: "Azure SQL swaps failover-group roles only through its failover action (planned: no data loss; add --allow-data-loss when the other region is down)",
      });
      return { primary: promote(p, args.primary.region), standby: promote(s, args.standby.region) };
    });
    this.endpoints = fogName.apply((fog) => ({ readWrite: `${fog}.database.windows.net`, readOnly: `${fog}.secondary.database.windows.net` }));
    this.registerOutputs({ replication: this.replication, endpoints: this.endpoints });
  }
}
