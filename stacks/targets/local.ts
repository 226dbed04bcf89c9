/**
 * The local target: the sample service's two slots as processes on this machine behind HAProxy
 * (`switchyard:local`), in one region or two (local-regional.ts). A target like the clouds, so
 * the program treats every target one way.
 */
import * as path from "node:path";
import { LocalBlueGreenEnvironment } from "../../components/environment/local";
import { FRONT_DIR, localRegionPair, type LocalBlock, type OneRegionBlock } from "../../model/config/local";
import { localSchema, type StackConfig } from "../../model/config/stack";
import type { TargetOutputs } from "../../model/outputs";
import { PROJECT_ROOT, readToolchain } from "../../model/toolchain";
import { buildRegional } from "./local-regional";
import type { CommonConfig, TargetDefinition } from "./types";

export type { LocalBlock };

const runDirOf = (block: Pick<LocalBlock, "runDir"> | undefined, stack: string) => path.resolve(PROJECT_ROOT, block?.runDir ?? path.join(".switchyard", "run", stack));

/** Where the stack's HAProxy files and workload logs live; destroy looks there for leftovers. */
export const localRunDir = (config: StackConfig, stack: string) => runDirOf(config.local, stack);

/** What of the stack listens on this machine, and where its files are: one entry per HAProxy. */
export interface LocalListener {
  readonly address: string;
  readonly ports: { readonly listen: number; readonly blue?: number; readonly green?: number };
  readonly runDir: string;
}

/** Every HAProxy of the stack with its slots' ports: a region each, and the front. Destroy sweeps them all. */
export function localListeners(config: StackConfig, stack: string): LocalListener[] {
  const block = config.local;
  if (!block) return [];
  const runDir = runDirOf(block, stack);
  if (!block.regions) return [{ address: block.address, ports: block.ports, runDir }];
  return [
    ...Object.entries(block.regions).map(([region, spec]) => ({ address: spec.address, ports: spec.ports, runDir: path.join(runDir, region) })),
    { address: block.front.address, ports: { listen: block.front.port }, runDir: path.join(runDir, FRONT_DIR) },
  ];
}

function buildOneRegion(common: CommonConfig, block: OneRegionBlock, stack: string): TargetOutputs {
  const env = new LocalBlueGreenEnvironment(common.service, {
    service: common.service,
    slots: {
      blue: { ...common.slots.blue, port: block.ports.blue, scaledDown: common.scaledDown === "blue" },
      green: { ...common.slots.green, port: block.ports.green, scaledDown: common.scaledDown === "green" },
    },
    weights: common.traffic,
    listenPort: block.ports.listen,
    address: block.address,
    runDir: runDirOf(block, stack),
    haproxy: readToolchain().haproxy,
  });
  return {
    endpoint: env.endpoint,
    weights: env.weights,
    slots: {
      blue: { version: env.versions.blue, endpoint: env.slotEndpoints.blue },
      green: { version: env.versions.green, endpoint: env.slotEndpoints.green },
    },
    trafficUrns: env.split.trafficResources.map((resource) => resource.urn),
    trafficSocket: env.split.socketPath,
    trafficBackend: env.split.backend,
    trafficMechanism: env.mechanism,
  };
}

function build(common: CommonConfig, block: LocalBlock, stack: string): TargetOutputs {
  return block.regions ? buildRegional(common, block, runDirOf(block, stack), readToolchain().haproxy) : buildOneRegion(common, block, stack);
}

export const localTarget: TargetDefinition<typeof localSchema> = {
  name: "local",
  schema: localSchema,
  build,
  regions: localRegionPair,
  // The front HAProxy takes any shares: a failover may move in steps.
  regionalShift: "stepped",
};
