/**
 * Flags that override the stack's rollout config for one run (`deploy --strategy linear
 * --step-weight 20 --bake 10s`). They are merged over `switchyard:rollout` and validated by the
 * same schema; an error names the flag.
 */
import { ConfigError } from "../../model/errors";
import { rolloutSchema, type RolloutConfig } from "../../model/config/rollout";

export interface RolloutFlags {
  readonly strategy?: string;
  readonly preset?: string;
  /** Comma-separated weights, e.g. "5,25,50,100". */
  readonly steps?: string;
  readonly stepWeight?: string;
  readonly bake?: string;
}

const FLAG_OF: Record<string, string> = { strategy: "--strategy", preset: "--preset", steps: "--steps", stepWeight: "--step-weight", bake: "--bake" };

export function hasRolloutFlags(flags: RolloutFlags): boolean {
  return Object.keys(FLAG_OF).some((key) => flags[key as keyof RolloutFlags] !== undefined);
}

export function applyRolloutFlags(fileValue: unknown, flags: RolloutFlags): RolloutConfig {
  const base = { ...((fileValue ?? {}) as Record<string, unknown>) };
  const merged: Record<string, unknown> = { ...base };
  if (flags.preset !== undefined) {
    for (const key of ["strategy", "steps", "stepWeight", "maxWeight"]) delete merged[key];
    merged.preset = flags.preset;
  }
  if (flags.strategy !== undefined) {
    delete merged.preset;
    merged.strategy = flags.strategy;
    if (flags.steps === undefined && flags.strategy !== "canary") delete merged.steps;
  }
  if (flags.steps !== undefined) merged.steps = flags.steps.split(",").map((part) => (part.trim() === "" ? NaN : Number(part)));
  if (flags.stepWeight !== undefined) merged.stepWeight = Number(flags.stepWeight);
  if (flags.bake !== undefined) merged.bake = /^\d+(\.\d+)?$/.test(flags.bake) ? Number(flags.bake) : flags.bake;
  const result = rolloutSchema.safeParse(merged, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      return {
        path: FLAG_OF[key] ?? `switchyard:rollout.${issue.path.join(".")}`,
        message: issue.message,
        value: issue.input === undefined ? undefined : JSON.stringify(issue.input),
        fix: "see `switchyard deploy --help`",
      };
    }),
    "command line",
  );
}
