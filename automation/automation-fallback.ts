/**
 * The driver's engine runs through the Automation API when the fast path's SDK internals or
 * CLI flags are not there (set-up checks them: bootstrap/check-direct-engine.mjs). Each of the
 * few direct runs that serve a program or read the event log has a public equivalent; the
 * mapping is pure, so what a run becomes is tested without an engine.
 */
import type { EngineEvent, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type { DirectRunOptions } from "./direct-engine";
import { readToolchain, type Toolchain } from "../model/toolchain";

export type AutomationCall =
  | { readonly op: "up"; readonly targets: readonly string[] }
  | { readonly op: "preview" }
  | { readonly op: "previewRefresh"; readonly parallel?: number };

/** A direct run needs the fast path's internals when it serves a program or reads events. */
export function needsFastPath(options: Pick<DirectRunOptions, "program" | "onEvent">): boolean {
  return options.program !== undefined || options.onEvent !== undefined;
}

/** The Automation API operation that does what `pulumi <args>` does, for the runs the driver makes. */
export function automationCall(args: readonly string[]): AutomationCall {
  const [command, ...rest] = args;
  const values = (flag: string) => rest.flatMap((arg, i) => (arg === flag && rest[i + 1] !== undefined ? [rest[i + 1]!] : []));
  if (command === "up") return { op: "up", targets: values("--target") };
  if (command === "preview") return { op: "preview" };
  if (command === "refresh" && rest.includes("--preview-only")) {
    const parallel = Number(values("--parallel")[0]);
    return Number.isInteger(parallel) && parallel > 0 ? { op: "previewRefresh", parallel } : { op: "previewRefresh" };
  }
  throw new Error(`internal: no Automation API equivalent for \`pulumi ${args.join(" ")}\``);
}

/** Runs the equivalent operation; resolves with what the CLI printed, as the direct run does. */
export async function runThroughAutomationApi(stack: Stack, args: readonly string[], options: DirectRunOptions & { program?: PulumiFn }, configFile: string | undefined): Promise<string> {
  const kinds = new Set<string>(options.eventKinds ?? []);
  const onEvent = options.onEvent && ((event: EngineEvent) => Object.keys(event).some((key) => kinds.has(key)) && options.onEvent!(event));
  const common = { onOutput: options.onOutput, onEvent, signal: options.signal, ...(configFile ? { configFile } : {}) };
  const call = automationCall(args);
  switch (call.op) {
    case "up":
      return (await stack.up({ ...common, program: options.program, target: [...call.targets] })).stdout;
    case "preview":
      return (await stack.preview({ ...common, program: options.program })).stdout;
    case "previewRefresh":
      return (await stack.previewRefresh({ ...common, parallel: call.parallel })).stdout;
  }
}

/** Why the fast path is off, or undefined when it may be used. SWITCHYARD_DIRECT_ENGINE=off turns it off by hand. */
export function fastPathOff(env: NodeJS.ProcessEnv = process.env, toolchain: Pick<Toolchain, "directEngine"> = readToolchain()): string | undefined {
  if (env.SWITCHYARD_DIRECT_ENGINE === "off") return "SWITCHYARD_DIRECT_ENGINE=off";
  const check = toolchain.directEngine;
  if (check && !check.usable) return `${check.reasons.join("; ")} (@pulumi/pulumi ${check.sdkVersion}, pulumi ${check.cliVersion})`;
  return undefined;
}
