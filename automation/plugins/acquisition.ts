/**
 * Whether the engine may download the provider plugins a program asks for, as plain Pulumi does.
 * Cloud stacks need their provider (pulumi-resource-aws, …) and get it the standard way; the
 * local target's resources are served by the helper plugin set-up installs, so it never needs a
 * download and a run on it stays offline. The user's own PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION
 * always wins.
 */
import { existsSync } from "node:fs";
import { readStackConfigValues } from "../stack-file";
import { stackFilePath } from "../../model/config-keys";

export const ACQUISITION_VAR = "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION";

export interface PluginAcquisition {
  /** The engine downloads a missing plugin on its own. */
  readonly automatic: boolean;
  /** user-env: the user's variable; local-target / cloud-target: the stack's target; default: no stack named (Pulumi's default). */
  readonly reason: "user-env" | "local-target" | "cloud-target" | "default";
  /** The value the engine gets for PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION (the user's own, unchanged). */
  readonly value: string;
}

/** Pulumi's reading of a boolean variable (sdk/go/common/util/env: "1" or "true", any case). */
const truthy = (value: string) => value === "1" || value.toLowerCase() === "true";

/** The decision for a stack whose `switchyard:target` is `target` (undefined: no stack, or none written). */
export function pluginAcquisition(target: string | undefined, env: NodeJS.ProcessEnv): PluginAcquisition {
  const own = env[ACQUISITION_VAR];
  if (own !== undefined && own !== "") return { automatic: !truthy(own), reason: "user-env", value: own };
  if (target === "local") return { automatic: false, reason: "local-target", value: "true" };
  if (target === undefined) return { automatic: true, reason: "default", value: "false" };
  return { automatic: true, reason: "cloud-target", value: "false" };
}

/**
 * The stack file's `switchyard:target` as written, if there is one to read. An unreadable file
 * gives undefined: validation (or the engine, under plain Pulumi) reports it with its own words.
 */
export function stackTarget(workDir: string, stackName: string): string | undefined {
  if (!stackName || !existsSync(stackFilePath(workDir, stackName))) return undefined;
  try {
    const target = readStackConfigValues(workDir, stackName).target;
    return typeof target === "string" ? target : undefined;
  } catch {
    return undefined;
  }
}
