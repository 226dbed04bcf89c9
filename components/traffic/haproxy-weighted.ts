/**
 * One HAProxy in front of named servers, their weights set through its runtime API: what the
 * slots' split (haproxy-split.ts) and the regional front (haproxy-region-split.ts) are each made
 * of. Children are `${name}-haproxy` and `${name}-weights` under `parent`.
 */
import * as pulumi from "@pulumi/pulumi";
import { backendName } from "../local/haproxy-config";
import { HaproxyInstance, HaproxyWeights } from "../local/resources";

export interface WeightedServer {
  readonly name: string;
  readonly address: string;
  readonly port: number;
}

export interface WeightedHaproxyArgs {
  readonly service: string;
  readonly listenAddress: string;
  readonly listenPort: number;
  readonly servers: readonly WeightedServer[];
  /** Server name → HAProxy weight, already checked. */
  readonly weights: pulumi.Input<Record<string, number>>;
  readonly healthCheckPath: string;
  readonly runDir: string;
  readonly haproxy: string;
}

export interface WeightedHaproxy {
  readonly instance: HaproxyInstance;
  /** The resource carrying the weights: a traffic step updates only it. */
  readonly applied: HaproxyWeights;
  readonly backend: string;
}

export function weightedHaproxy(name: string, args: WeightedHaproxyArgs, parent: pulumi.Resource): WeightedHaproxy {
  const backend = backendName(args.service);
  const instance = new HaproxyInstance(
    `${name}-haproxy`,
    {
      service: args.service,
      listenAddress: args.listenAddress,
      listenPort: args.listenPort,
      servers: args.servers.map((server) => ({ ...server })),
      healthCheckPath: args.healthCheckPath,
      runDir: args.runDir,
      haproxy: args.haproxy,
    },
    { parent },
  );
  const applied = new HaproxyWeights(
    `${name}-weights`,
    {
      socketPath: instance.socketPath,
      stateFile: instance.stateFile,
      backend,
      weights: args.weights,
      adminState: Object.fromEntries(args.servers.map((server) => [server.name, "ready" as const])),
      instancePid: instance.pid,
    },
    { parent },
  );
  return { instance, applied, backend };
}
