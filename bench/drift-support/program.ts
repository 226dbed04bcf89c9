/** Inline programs of file-backed dynamic resources: the benchmark's big stack and the secrets test. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { ModuleResource } from "../../components/local/dynamic";

const providerModule = path.join(__dirname, "file-provider.ts");

export class FileResource extends ModuleResource {
  declare readonly value: pulumi.Output<string | undefined>;
  constructor(name: string, args: { index: number; sourceFile?: string; value?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(providerModule, name, { value: undefined, ...args }, opts, "bench", "FileResource");
  }
}

/** `count` resources that own nothing. */
export const noopProgram = (count: number): PulumiFn => async () => {
  for (let index = 0; index < count; index++) new FileResource(`noop-${index}`, { index });
  return { count };
};

/** One resource holding a secret in a file: declared secret, so secret in state and outputs. */
export const secretFileProgram = (sourceFile: string, declared: string): PulumiFn => async () => {
  const resource = new FileResource("vault-token", { index: 0, sourceFile, value: pulumi.secret(declared) }, { additionalSecretOutputs: ["value"] });
  return { token: resource.value };
};
