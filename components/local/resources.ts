/** Pulumi resources of the local target, backed by the dynamic providers beside this file. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ModuleResource } from "./dynamic";
import type { HaproxyServer } from "./haproxy-config";
import type { AdminState } from "./runtime-api";

const workloadModule = path.join(__dirname, "workload-provider.ts");
const haproxyModule = path.join(__dirname, "haproxy-instance-provider.ts");
const weightsModule = path.join(__dirname, "haproxy-weights-provider.ts");

type Inputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

export interface LocalWorkloadArgs {
  service: string;
  slot: string;
  version: string;
  address: string;
  port: number;
  failureRate: number;
  latencyMs: number;
  runDir: string;
  entry: string;
  node: string;
  /** Two-region stacks only: the region, echoed in the service's answers. */
  region?: string;
}

/** One slot's process of the sample service. */
export class LocalWorkload extends ModuleResource {
  declare readonly pid: pulumi.Output<number>;
  declare readonly url: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  constructor(name: string, args: Inputs<LocalWorkloadArgs>, opts?: pulumi.CustomResourceOptions) {
    super(workloadModule, name, { ...args, pid: undefined, url: undefined }, opts, "local", "Workload");
  }
}

export interface HaproxyInstanceArgs {
  service: string;
  listenAddress: string;
  listenPort: number;
  servers: HaproxyServer[];
  healthCheckPath: string;
  runDir: string;
  haproxy: string;
}

/** One HAProxy process with its configuration and admin socket. */
export class HaproxyInstance extends ModuleResource {
  declare readonly pid: pulumi.Output<number>;
  declare readonly socketPath: pulumi.Output<string>;
  declare readonly stateFile: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  constructor(name: string, args: Inputs<HaproxyInstanceArgs>, opts?: pulumi.CustomResourceOptions) {
    super(
      haproxyModule,
      name,
      { ...args, pid: undefined, socketPath: undefined, stateFile: undefined, configPath: undefined, url: undefined },
      opts,
      "local",
      "HaproxyInstance",
    );
  }
}

export interface HaproxyWeightsArgs {
  socketPath: string;
  stateFile: string;
  backend: string;
  weights: Record<string, number>;
  adminState: Record<string, AdminState>;
  instancePid: number;
}

/** The weights of one HAProxy backend's servers, applied through the runtime API. */
export class HaproxyWeights extends ModuleResource {
  declare readonly weights: pulumi.Output<Record<string, number>>;
  constructor(name: string, args: Inputs<HaproxyWeightsArgs>, opts?: pulumi.CustomResourceOptions) {
    super(weightsModule, name, { ...args }, opts, "local", "HaproxyWeights");
  }
}
