/**
 * Reads a stack's config for `drift`: the validated `switchyard:` config plus the ignore rules
 * of `switchyard:drift`, validated by driftSchema with the same error format as any config key.
 *
 * Until stacks/config.ts lists `drift` (see the wiring notes), the stack schema would reject the
 * key; it is then validated here on its own and hidden from the stack schema and the program.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { parse as parseYaml } from "yaml";
import { NAMESPACE, stackConfigSchema, type StackConfig } from "../../stacks/config";
import { loadStackConfig, parseStackConfig, stackFilePath } from "../config";
import { ConfigError } from "../errors";
import { driftSchema, DRIFT_FIXES, type DriftConfig } from "./schema";

export const DRIFT_KEY = `${NAMESPACE}:drift`;

/** True once the stack schema itself knows `switchyard:drift`. */
export function stackSchemaKnowsDrift(): boolean {
  return "drift" in ((stackConfigSchema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
}

export function parseDriftConfig(value: unknown, source: string): DriftConfig {
  const result = driftSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const dotted = ["drift", ...issue.path.map(String)].join(".");
      const fix = DRIFT_FIXES[dotted.replace(/\.\d+.*$/, "")] ?? DRIFT_FIXES.drift!;
      const value = issue.input === undefined ? undefined : JSON.stringify(issue.input)?.slice(0, 80);
      return { path: `${NAMESPACE}:${dotted}`, message: issue.code === "unrecognized_keys" ? `has unknown keys ${issue.keys.join(", ")}` : issue.message, value, fix };
    }),
    source,
  );
}

export interface DriftStackConfig {
  readonly config: StackConfig;
  readonly drift: DriftConfig;
}

export function loadDriftStackConfig(stackName: string, workDir: string): DriftStackConfig {
  const file = stackFilePath(workDir, stackName);
  // The usual loader reports a missing file or bad YAML best.
  if (!existsSync(file)) return { config: loadStackConfig(stackName, workDir).config, drift: { ignore: [] } };
  let entries: Record<string, unknown>;
  try {
    entries = ((parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {});
  } catch {
    return { config: loadStackConfig(stackName, workDir).config, drift: { ignore: [] } };
  }
  const shown = path.relative(workDir, file);
  const drift = parseDriftConfig(entries[DRIFT_KEY], shown);
  const { [DRIFT_KEY]: _drift, ...rest } = entries;
  const config = parseStackConfig(stackSchemaKnowsDrift() ? entries : rest, shown);
  return { config, drift };
}

/** The program with `switchyard:drift` hidden from it while the stack schema does not know the key. */
export function withoutDriftKey(program: PulumiFn): PulumiFn {
  return async () => {
    if (!stackSchemaKnowsDrift()) {
      const all = pulumi.runtime.allConfig();
      if (DRIFT_KEY in all) {
        const { [DRIFT_KEY]: _drift, ...rest } = all;
        // isConfigSecret is exported by the SDK at run time but left out of its typings.
        const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
        const secretKeys = Object.keys(rest).filter((key) => runtime.isConfigSecret(key));
        pulumi.runtime.setAllConfig(rest, secretKeys);
      }
    }
    return program();
  };
}
