/** The local target's replicated store as a Pulumi resource, backed by data-primary-provider.ts. */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { ModuleResource } from "./dynamic";

const dataPrimaryModule = path.join(__dirname, "data-primary-provider.ts");

export interface LocalDataPrimaryArgs {
  /** Region → its PostgreSQL server: a superuser postgres:// URL on loopback (pass it as a secret) and, for planned switchovers, its data directory. */
  stores: pulumi.Input<Record<string, pulumi.Input<{ url: pulumi.Input<string>; dataDir?: pulumi.Input<string> }>>>;
  /** The region whose server must take writes. */
  primary: pulumi.Input<string>;
}

/**
 * Which region's PostgreSQL takes writes. Moving `primary` promotes that region's replica
 * (failover when the old primary is gone, a clean switchover when it is up), or refuses with
 * what to do; refresh reads the region that really is primary.
 */
export class LocalDataPrimary extends ModuleResource {
  declare readonly primary: pulumi.Output<string>;
  declare readonly roles: pulumi.Output<Record<string, string>>;
  constructor(name: string, args: LocalDataPrimaryArgs, opts?: pulumi.CustomResourceOptions) {
    super(dataPrimaryModule, name, { ...args, roles: undefined }, opts, "local", "DataPrimary");
  }
}
