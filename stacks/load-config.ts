/**
 * Loads and validates stack config before anything touches the engine. The same validation runs
 * inside the Pulumi program, so that `pulumi up` without the driver cannot apply bad config either.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { FIXES, legacyDriverKeys, NAMESPACE, stackConfigSchema, type StackConfig } from "../model/config/stack";
import { ConfigError, type ConfigProblem } from "../model/errors";
import { loadCloudTarget } from "./targets/load";
import { IMAGE_TAG } from "../components/environment/schema";
import { markSecrets } from "../model/secrets/mark";
import { describeInput } from "../model/secrets/redact";
import { NOT_SECRETABLE } from "../model/secrets/schema";
import { isSecret } from "../model/secrets/secret";
import { formatPath } from "../model/secrets/path";
import { plaintextWarnings } from "../model/secrets/warnings";

export { stackFilePath } from "../model/config-keys";
import { stackFilePath } from "../model/config-keys";
import { localRegionPair } from "../model/config/local";
import type { RegionPair } from "../model/regions";

function fixFor(dotted: string, issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return "remove it or correct the spelling (README.md lists every setting)";
  }
  for (let parts = dotted.split("."); parts.length > 0; parts = parts.slice(0, -1)) {
    const fix = FIXES[parts.join(".")];
    if (fix) return fix;
  }
  return "see the Stack config section of README.md";
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const parts = issue.path.map(String);
    const dotted = parts.join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: `${NAMESPACE}:${[...parts, key].join(".")}`,
        message: "is not a known setting",
        // A key with a story of its own (a retired or driver-only one) gets its own fix.
        fix: FIXES[[...parts, key].join(".")] ?? fixFor(dotted, issue),
      }));
    }
    // A secret where none may go: its type error ("expected string") would only puzzle.
    const message = isSecret(issue.input) ? NOT_SECRETABLE : issue.message;
    return [{ path: `${NAMESPACE}:${dotted}`, message, value: describeInput(issue.input, formatPath(issue.path as (string | number)[])), fix: fixFor(dotted, issue) }];
  });
}

/**
 * Validates the `switchyard:` entries of a stack's config. `entries` maps full keys
 * (`switchyard:traffic`) to values; keys of other namespaces are left alone.
 */
export function parseStackConfig(entries: Readonly<Record<string, unknown>>, source: string): StackConfig {
  const ours: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (key.startsWith(`${NAMESPACE}:`)) ours[key.slice(NAMESPACE.length + 1)] = value;
  }
  // Driver: the stack file's `{ secure: ... }` values become Secrets (the program gets them decrypted).
  const result = stackConfigSchema.safeParse(markSecrets(ours), { reportInput: true });
  if (!result.success) throw new ConfigError(problemsOf(result.error), source);
  const config = result.data;
  if (config.target !== "local") {
    const cloud = config.target;
    const target = loadCloudTarget(cloud);
    const block = target.schema.safeParse((config as Record<string, unknown>)[cloud], { reportInput: true });
    if (!block.success) {
      for (const issue of block.error.issues) issue.path.unshift(cloud);
      throw new ConfigError(problemsOf(block.error), source);
    }
    refuseDrWithoutStandby(config, target.regions?.(block.data), source);
    refuseVersionsThatAreNoTag(config, block.data, source);
    return { ...config, [cloud]: block.data };
  }
  refuseDrWithoutStandby(config, config.local ? localRegionPair(config.local) : undefined, source);
  return config;
}

/** True when the block (or a cloud's block inside it, multicloud) names a container image. */
function namesImage(block: unknown, depth = 0): boolean {
  if (typeof block !== "object" || block === null) return false;
  return Object.entries(block).some(([key, value]) => (key === "image" && typeof value === "string") || (depth < 1 && namesImage(value, depth + 1)));
}

/**
 * On a container target a slot's version is the image's tag (`<image>:<version>`): a version that
 * is no tag would be declared without complaint and fail only when a node pulls the image.
 */
function refuseVersionsThatAreNoTag(config: StackConfig, block: unknown, source: string): void {
  if (!namesImage(block)) return;
  const problems: ConfigProblem[] = (["blue", "green"] as const)
    .filter((slot) => !IMAGE_TAG.test(config.slots[slot].version))
    .map((slot) => ({
      path: `${NAMESPACE}:slots.${slot}.version`,
      message: `is the image tag on ${config.target} and is not a valid one: letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'`,
      value: JSON.stringify(config.slots[slot].version),
      fix: 'use a tag such as "1.4.2" or "2026-01-15.1"',
    }));
  if (problems.length) throw new ConfigError(problems, source);
}

/** `switchyard:dr` on a stack with one region would be accepted and do nothing: refused, with the way to a standby. */
function refuseDrWithoutStandby(config: StackConfig, regions: RegionPair | undefined, source: string): void {
  if (!config.dr || regions) return;
  const where = config.target === "local" ? "switchyard:local.front and switchyard:local.regions (see stacks/Pulumi.local-dr.yaml)" : `a dr block in switchyard:${config.target} with the standby region`;
  throw new ConfigError([{ path: `${NAMESPACE}:dr`, message: "declares disaster recovery, but this stack has no standby region", value: JSON.stringify(config.dr.primary ?? null), fix: `declare ${where}, or remove switchyard:dr` }], source);
}

export interface LoadedStackConfig {
  readonly config: StackConfig;
  readonly file: string;
  /** Plaintext credentials in a stack file other than local's: one line each, with the command that encrypts it. */
  readonly warnings: readonly string[];
}

/** Reads `stacks/Pulumi.<stack>.yaml` and validates it; throws ConfigError naming every problem. */
export function loadStackConfig(stackName: string, workDir: string): LoadedStackConfig {
  const file = stackFilePath(workDir, stackName);
  const shown = path.relative(workDir, file);
  if (!existsSync(file)) {
    throw new ConfigError(
      [{ path: "--stack", message: `no stack file for "${stackName}"`, value: JSON.stringify(stackName), fix: `create ${shown} (stacks/Pulumi.local.yaml is an example)` }],
      shown,
    );
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([{ path: "(file)", message: `is not valid YAML: ${(error as Error).message.split("\n")[0]}`, fix: "correct the YAML syntax" }], shown);
  }
  const entries = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
  const config = parseStackConfig(entries, shown);
  const ours = Object.fromEntries(Object.entries(entries).filter(([key]) => key.startsWith(`${NAMESPACE}:`)).map(([key, value]) => [key.slice(NAMESPACE.length + 1), value]));
  const legacy = legacyDriverKeys(ours).map(
    (key) => `${shown}: ${key} was written by an earlier Switchyard and is ignored now (the driver keeps its status in the backend); delete the line`,
  );
  return { config, file, warnings: [...legacy, ...plaintextWarnings(ours, shown, { stack: stackName, workDir })] };
}
