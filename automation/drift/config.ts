/**
 * Reads a stack's config for `drift`: the validated `switchyard:` config plus the ignore rules
 * of `switchyard:drift`, validated by driftSchema with the same error format as any config key.
 */
import { NAMESPACE, type StackConfig } from "../../model/config/stack";
import { loadStackConfig } from "../../stacks/load-config";
import { ConfigError } from "../../model/errors";
import { driftSchema, DRIFT_FIXES, type DriftConfig } from "../../model/config/drift";

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

/** The validated stack config and its drift ignore rules (none when `switchyard:drift` is absent). */
export function loadDriftStackConfig(stackName: string, workDir: string): DriftStackConfig {
  const { config } = loadStackConfig(stackName, workDir);
  return { config, drift: config.drift ?? { ignore: [], checkEndpoint: true } };
}
