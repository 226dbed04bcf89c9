/**
 * The baseline of metric 1: `pulumi up --target` through the CLI binary alone, on the same
 * inline-program stack. No `pulumi-language-nodejs` is installed here and the program lives in
 * this process, so a plain `pulumi up` cannot run it; the CLI's `--client=<addr> --exec-kind
 * auto.inline` connects it to the program served in-process, which is what
 * automation/direct-engine.ts does. The timing is that one CLI process, spawn to exit.
 */
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { runDirect } from "../../automation/direct-engine";
import { engineEnvironment, resolvePassphrase } from "../../automation/workspace";
import { readToolchain } from "../../model/toolchain";
import type { BenchProject } from "./project";

export interface RawUpResult {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs `pulumi up --yes --skip-preview --target <urn>...` against `program`; resolves with its wall time. */
export async function rawTargetedUp(project: BenchProject, program: PulumiFn, targets: readonly string[]): Promise<RawUpResult> {
  const toolchain = readToolchain();
  const settings = { stackName: project.stackName, workDir: project.workDir, env: project.env };
  const env = engineEnvironment(settings, toolchain, resolvePassphrase(project.stackName, project.workDir, project.env));
  const binary = path.join(toolchain.pulumiRoot, "bin", "pulumi");
  const args = ["up", "--yes", "--skip-preview", ...targets.flatMap((t) => ["--target", t])];
  const started = performance.now();
  const stdout = await runDirect({ binary, stackName: project.stackName, workDir: project.workDir, env }, args, { program });
  return { ms: performance.now() - started, stdout };
}
