/**
 * The local target: the sample service's two slots as processes on this machine behind HAProxy
 * (`switchyard:local`). A target like the clouds, so the program treats every target one way.
 */
import * as path from "node:path";
import type { z } from "zod";
import { LocalBlueGreenEnvironment } from "../../components/environment/local";
import { localSchema, type StackConfig } from "../../model/config/stack";
import type { TargetOutputs } from "../../model/outputs";
import { PROJECT_ROOT, readToolchain } from "../../model/toolchain";
import type { CommonConfig, TargetDefinition } from "./types";

export type LocalBlock = z.output<typeof localSchema>;

const runDirOf = (block: Pick<LocalBlock, "runDir"> | undefined, stack: string) => path.resolve(PROJECT_ROOT, block?.runDir ?? path.join(".switchyard", "run", stack));

/** Where the stack's HAProxy files and workload logs live; destroy looks there for leftovers. */
export const localRunDir = (config: StackConfig, stack: string) => runDirOf(config.local, stack);

function build(common: CommonConfig, block: LocalBlock, stack: string): TargetOutputs {
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

export const localTarget: TargetDefinition<typeof localSchema> = {
  name: "local",
  schema: localSchema,
  build,
};
