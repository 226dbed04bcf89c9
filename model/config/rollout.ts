/**
 * `switchyard:rollout`: how a release moves traffic. Either a strategy with its parameters, or a
 * CodeDeploy-style preset name. Flags may override fields for one run.
 */
import { z } from "zod";
import { durationSchema } from "./analysis";
import { planRollout, PlanError, presetSettings, type PlanStep, type RolloutSettings } from "./plan";

const percent = z.number().int("must be a whole percentage").min(1, "must be 1 or more").max(100, "must be 100 or less");

export const rolloutSchema = z
  .strictObject({
    strategy: z.enum(["canary", "blue-green", "linear", "all-at-once"], { message: "must be canary, blue-green, linear or all-at-once" }).optional(),
    /** A CodeDeploy predefined configuration, e.g. Canary10Percent5Minutes; replaces strategy, steps and bake. */
    preset: z.string().optional(),
    /** canary: the new slot's weight at each step, e.g. [5, 25, 50, 100]. */
    steps: z.array(percent).min(1, "must list at least one weight").optional(),
    /** canary without steps, and linear: the increment per step. */
    stepWeight: percent.optional(),
    /** canary without steps: the last weight before 100. */
    maxWeight: percent.optional(),
    /** How long each step holds its weight while analysis runs. */
    bake: durationSchema.default(30_000),
    /** blue-green: how long the old slot stays up after the switch. */
    scaleDownDelay: durationSchema.default(30_000),
  })
  .superRefine((rollout, ctx) => {
    if (rollout.preset && (rollout.strategy || rollout.steps || rollout.stepWeight)) {
      ctx.addIssue({ code: "custom", path: ["preset"], message: "replaces strategy, steps and stepWeight; give one or the other" });
    }
    try {
      planOf(rollout);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      ctx.addIssue({ code: "custom", path: error.field.replace(/^rollout\./, "").split(/[.[\]]/).filter(Boolean), message: `${error.message.replace(/^[^:]+: /, "")}; ${error.fix}` });
    }
  });

export type RolloutConfig = z.output<typeof rolloutSchema>;

export function settingsOf(rollout: RolloutConfig): RolloutSettings {
  if (rollout.preset) return presetSettings(rollout.preset);
  const strategy = rollout.strategy ?? "canary";
  return {
    strategy,
    steps: rollout.steps,
    stepWeight: rollout.stepWeight ?? (strategy === "canary" && !rollout.steps ? 10 : undefined),
    maxWeight: rollout.maxWeight,
    bakeSeconds: rollout.bake / 1000,
    scaleDownDelaySeconds: rollout.scaleDownDelay / 1000,
  };
}

export function planOf(rollout: RolloutConfig): PlanStep[] {
  return planRollout(settingsOf(rollout));
}
