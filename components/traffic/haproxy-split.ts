/** The local traffic split: one HAProxy in front of the two slots, weights through its runtime API. */
import * as pulumi from "@pulumi/pulumi";
import { weightedHaproxy } from "./haproxy-weighted";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { localHaproxy } from "./mechanisms/local-haproxy";

export interface SlotBackend {
  readonly address: string;
  readonly port: number;
}

export interface HaproxyTrafficSplitArgs {
  readonly service: string;
  /** @default "127.0.0.1" */
  readonly listenAddress?: string;
  readonly listenPort: number;
  readonly backends: Readonly<Record<Slot, SlotBackend>>;
  readonly weights: pulumi.Input<Weights>;
  /** @default "/healthz" */
  readonly healthCheckPath?: string;
  /** Folder for HAProxy's configuration, pid file, admin socket and server state. */
  readonly runDir: string;
  /** Path of the haproxy binary. */
  readonly haproxy: string;
}

const TYPE = "switchyard:traffic:HaproxyTrafficSplit";

export class HaproxyTrafficSplit extends pulumi.ComponentResource {
  /** The weights HAProxy serves with. */
  readonly weights: pulumi.Output<Weights>;
  /** Where clients and health checks reach the service. */
  readonly endpoint: pulumi.Output<string>;
  readonly socketPath: pulumi.Output<string>;
  readonly backend: string;
  /** The resources that carry the weights: a traffic step updates only these. */
  readonly trafficResources: readonly pulumi.Resource[];

  constructor(name: string, args: HaproxyTrafficSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const weights = pulumi.output(args.weights).apply((w) => {
      assertValidWeights(TYPE, "weights", w);
      return localHaproxy.toNative(w);
    });
    const { instance, applied, backend } = weightedHaproxy(
      name,
      {
        service: args.service,
        listenAddress: args.listenAddress ?? "127.0.0.1",
        listenPort: args.listenPort,
        servers: SLOTS.map((slot) => ({ name: slot, ...args.backends[slot] })),
        weights,
        healthCheckPath: args.healthCheckPath ?? "/healthz",
        runDir: args.runDir,
        haproxy: args.haproxy,
      },
      this,
    );
    this.backend = backend;
    this.weights = applied.weights.apply((w) => ({ blue: w.blue ?? 0, green: w.green ?? 0 }));
    this.trafficResources = [applied];
    this.endpoint = instance.url;
    this.socketPath = instance.socketPath;
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint, socketPath: this.socketPath });
  }
}
