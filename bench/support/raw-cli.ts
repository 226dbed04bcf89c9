/**
 * `pulumi up` through the CLI binary directly, on the same inline-program stack.
 *
 * An inline program lives in the driver's process, and no `pulumi-language-nodejs` is installed
 * here, so a plain `pulumi up` in the project folder cannot run it. What the CLI offers instead
 * is `--client=<addr> --exec-kind auto.inline`: it connects to a language runtime that is
 * already serving the program. This module starts that runtime (the SDK's own LanguageServer
 * over gRPC, exactly what `stack.up` does internally) and spawns the real binary itself, so the
 * timing is one CLI process and nothing else: no `stack output`/`stack history` calls after it.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { engineEnvironment, readToolchain, resolvePassphrase } from "../../automation/workspace";
import type { BenchProject } from "./project";

interface LanguageServerLike {
  onPulumiExit(hasError: boolean): void;
}
// Neither is part of the SDK's typed surface: server.d.ts is empty and the proto module has no package export types we need.
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as { LanguageServer: new (program: PulumiFn) => LanguageServerLike };
const langrpc = require("@pulumi/pulumi/proto/language_grpc_pb") as { LanguageRuntimeService: grpc.ServiceDefinition };

export interface RawUpResult {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs `pulumi up --yes --skip-preview --target <urn>... --client <in-process program>`; resolves with its wall time. */
export async function rawTargetedUp(project: BenchProject, program: PulumiFn, targets: readonly string[]): Promise<RawUpResult> {
  const toolchain = readToolchain();
  const settings = { stackName: project.stackName, workDir: project.workDir, env: project.env };
  const vars = engineEnvironment(settings, toolchain, resolvePassphrase(project.stackName, project.workDir, project.env));
  const env = { ...project.env, ...vars, PATH: [path.join(toolchain.pulumiRoot, "bin"), vars.PATH].join(path.delimiter) };

  const server = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400, "grpc.max_send_message_length": 1024 * 1024 * 400 });
  const language = new LanguageServer(program);
  server.addService(langrpc.LanguageRuntimeService, language as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const args = ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", project.stackName, ...targets.flatMap((t) => ["--target", t])];
  args.push(`--client=127.0.0.1:${port}`, "--exec-kind", "auto.inline");
  const binary = path.join(toolchain.pulumiRoot, "bin", "pulumi");
  const started = performance.now();
  let failed = true;
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(binary, args, { cwd: project.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("exit", (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`raw pulumi up exited ${code}: ${(stderr || stdout).split("\n").slice(-15).join("\n")}`);
    failed = false;
    return { ms, stdout };
  } finally {
    try {
      language.onPulumiExit(failed);
    } finally {
      server.forceShutdown();
    }
  }
}
