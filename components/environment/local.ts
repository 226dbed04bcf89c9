/** Blue/green on this machine: two workload processes of the sample service behind HAProxy. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { LocalWorkload } from "../local/resources";
import { HaproxyTrafficSplit } from "../traffic/haproxy-split";
import type { MechanismKind } from "../../model/mechanism";
import { SLOTS, type Slot, type Weights } from "../../model/weights";

export interface LocalSlotArgs {
  readonly version: string;
  readonly port: number;
  /** Share of requests the sample service fails on purpose, 0..1. @default 0 */
  readonly failureRate?: number;
  /** Added latency per request. @default 0 */
  readonly latencyMs?: number;
  /** No process runs for this slot (blue-green after the switch); it must take no traffic. @default false */
  readonly scaledDown?: boolean;
}

export interface LocalBlueGreenEnvironmentArgs {
  readonly service: string;
  readonly slots: Readonly<Record<Slot, LocalSlotArgs>>;
  readonly weights: pulumi.Input<Weights>;
  readonly listenPort: number;
  /** @default "127.0.0.1" */
  readonly address?: string;
  readonly runDir: string;
  readonly haproxy: string;
  /** Node.js that runs the workloads. @default the current one */
  readonly node?: string;
  /** Entry module of the service. @default the sample service of this repository */
  readonly entry?: string;
  /** The region this environment is one of (a two-region stack); its workloads echo it. @default none */
  readonly region?: string;
}

export const SAMPLE_SERVICE_ENTRY = path.resolve(__dirname, "..", "..", "sample-service", "server.ts");

export class LocalBlueGreenEnvironment extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly weights: pulumi.Output<Weights>;
  readonly slotEndpoints: Record<Slot, pulumi.Output<string>>;
  readonly versions: Record<Slot, pulumi.Output<string>>;
  readonly split: HaproxyTrafficSplit;
  readonly mechanism: MechanismKind = "local-haproxy";

  constructor(name: string, args: LocalBlueGreenEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:environment:LocalBlueGreenEnvironment", name, {}, opts);
    const address = args.address ?? "127.0.0.1";
    const workloads = Object.fromEntries(
      SLOTS.filter((slot) => !args.slots[slot].scaledDown).map((slot) => {
        const spec = args.slots[slot];
        const workload = new LocalWorkload(
          `${name}-${slot}`,
          {
            service: args.service,
            slot,
            version: spec.version,
            address,
            port: spec.port,
            failureRate: spec.failureRate ?? 0,
            latencyMs: spec.latencyMs ?? 0,
            runDir: args.runDir,
            entry: args.entry ?? SAMPLE_SERVICE_ENTRY,
            node: args.node ?? process.execPath,
            // Only when set: a one-region stack's workloads keep exactly the inputs they had.
            ...(args.region ? { region: args.region } : {}),
          },
          { parent: this },
        );
        return [slot, workload];
      }),
    ) as Partial<Record<Slot, LocalWorkload>>;
    this.split = new HaproxyTrafficSplit(
      `${name}-traffic`,
      {
        service: args.service,
        listenAddress: address,
        listenPort: args.listenPort,
        backends: { blue: { address, port: args.slots.blue.port }, green: { address, port: args.slots.green.port } },
        weights: refuseWeightOnScaledDown(name, args.weights, args.slots),
        runDir: args.runDir,
        haproxy: args.haproxy,
      },
      // The split must be created after the workloads and removed before them.
      { parent: this, dependsOn: Object.values(workloads).filter((w): w is LocalWorkload => w !== undefined) },
    );
    this.endpoint = this.split.endpoint;
    this.weights = this.split.weights;
    const endpointOf = (slot: Slot) => workloads[slot]?.url ?? pulumi.output("");
    this.slotEndpoints = { blue: endpointOf("blue"), green: endpointOf("green") };
    // A scaled-down slot keeps its version in config: the next release starts from it.
    this.versions = { blue: workloads.blue?.version ?? pulumi.output(args.slots.blue.version), green: workloads.green?.version ?? pulumi.output(args.slots.green.version) };
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, slotEndpoints: this.slotEndpoints });
  }
}

/** A slot with no process must take no weight: the update fails instead of sending traffic to nothing. */
function refuseWeightOnScaledDown(component: string, weights: pulumi.Input<Weights>, slots: Readonly<Record<Slot, LocalSlotArgs>>): pulumi.Output<Weights> {
  return pulumi.output(weights).apply((w) => {
    for (const slot of SLOTS) {
      if (slots[slot].scaledDown && w[slot] > 0) {
        throw new ComponentArgsError(`LocalBlueGreenEnvironment ${component}`, `weights.${slot}`, `is ${w[slot]}% on a slot scaled down to no process`, `bring ${slot} back first: a full update without its scale-down, then move weight`);
      }
    }
    return w;
  });
}
