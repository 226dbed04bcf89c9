/**
 * The bench program: the real Switchyard program (local target: HAProxy + two workloads) plus
 * `extra` no-op dynamic resources, so the same traffic step can be timed on small and big stacks.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { ModuleResource } from "../../components/local/dynamic";
import { switchyardProgram } from "../../stacks/program";

const noopModule = path.join(__dirname, "noop-provider.ts");

class Noop extends ModuleResource {
  constructor(name: string, args: { index: number }, opts?: pulumi.CustomResourceOptions) {
    super(noopModule, name, args, opts, "bench", "Noop");
  }
}

/**
 * Resources of the plain program on the local target: the stack, the default dynamic provider,
 * the environment component, two workloads, the traffic component, HAProxy and its weights.
 */
export const BASE_RESOURCES = 8;

export function benchProgram(extra: number): PulumiFn {
  return async () => {
    const outputs = await switchyardProgram();
    for (let index = 0; index < extra; index++) new Noop(`noop-${index}`, { index });
    return outputs;
  };
}
