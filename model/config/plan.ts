/**
 * Strategies turn rollout config into a plan: the weights the new slot receives, step by step,
 * with the bake and analysis each step gets. Pure, so it is table-tested.
 */

export type StrategyName = "canary" | "blue-green" | "linear" | "all-at-once";

export interface RolloutSettings {
  readonly strategy: StrategyName;
  /** canary: explicit weights of the new slot, ending at 100 (100 is added when missing). */
  readonly steps?: readonly number[];
  /** canary without steps, and linear: the increment. */
  readonly stepWeight?: number;
  /** canary without steps: the last weight before full promotion. @default 100 */
  readonly maxWeight?: number;
  /** Seconds to wait at each step before its analysis. */
  readonly bakeSeconds: number;
  /** blue-green: seconds to keep the old slot up after the switch. */
  readonly scaleDownDelaySeconds?: number;
}

export type StepKind =
  /** Traffic moves to `weight`, then bake, then analysis. */
  | "shift"
  /** blue-green: analysis of the new slot at 0% through its own endpoint, before any traffic. */
  | "pre-promotion"
  /** blue-green: analysis after the switch; failure switches back. */
  | "post-promotion";

export interface PlanStep {
  readonly kind: StepKind;
  /** Share of traffic on the new slot during this step. */
  readonly weight: number;
  readonly bakeSeconds: number;
  readonly analysis: boolean;
}

export class PlanError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly fix: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function ascendingTo100(field: string, weights: readonly number[]): number[] {
  const list = weights.at(-1) === 100 ? [...weights] : [...weights, 100];
  list.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1 || w > 100) throw new PlanError(`${field}[${i}]`, `must be a whole percentage from 1 to 100, got ${w}`, "use weights such as [5, 25, 50, 100]");
    if (i > 0 && w <= list[i - 1]!) throw new PlanError(`${field}[${i}]`, `must be greater than the step before (${list[i - 1]}), got ${w}`, "list weights in increasing order");
  });
  return list;
}

function increments(field: string, stepWeight: number | undefined, maxWeight: number): number[] {
  if (!stepWeight || !Number.isInteger(stepWeight) || stepWeight < 1 || stepWeight > 100) {
    throw new PlanError(field, `must be a whole percentage from 1 to 100, got ${stepWeight}`, "set stepWeight, e.g. 10");
  }
  const weights: number[] = [];
  for (let w = stepWeight; w < maxWeight; w += stepWeight) weights.push(w);
  return ascendingTo100(field, [...weights, maxWeight]);
}

/** The plan of one rollout, from the stable slot (0% new) to the new slot at 100%. */
export function planRollout(settings: RolloutSettings): PlanStep[] {
  const bake = settings.bakeSeconds;
  switch (settings.strategy) {
    case "canary": {
      const weights = settings.steps?.length
        ? ascendingTo100("rollout.steps", settings.steps)
        : increments("rollout.stepWeight", settings.stepWeight, settings.maxWeight ?? 100);
      return weights.map((weight) => ({ kind: "shift", weight, bakeSeconds: bake, analysis: true }));
    }
    case "linear":
      return increments("rollout.stepWeight", settings.stepWeight, 100).map((weight) => ({ kind: "shift", weight, bakeSeconds: bake, analysis: true }));
    case "blue-green":
      return [
        { kind: "pre-promotion", weight: 0, bakeSeconds: 0, analysis: true },
        { kind: "post-promotion", weight: 100, bakeSeconds: bake, analysis: true },
      ];
    case "all-at-once":
      return [{ kind: "shift", weight: 100, bakeSeconds: bake, analysis: true }];
  }
}

/**
 * AWS CodeDeploy's predefined configurations, by their usual names (with or without the
 * `CodeDeployDefault.`, `ECS` or `Lambda` prefixes): Canary10Percent5Minutes,
 * Linear10PercentEvery1Minute(s), AllAtOnce.
 */
export function presetSettings(name: string): RolloutSettings {
  const bare = name.replace(/^CodeDeployDefault\./, "").replace(/^(ECS|Lambda)/, "");
  const canary = bare.match(/^Canary(\d+)Percent(\d+)Minutes?$/);
  if (canary) return { strategy: "canary", steps: [Number(canary[1]), 100], bakeSeconds: Number(canary[2]) * 60 };
  const linear = bare.match(/^Linear(\d+)PercentEvery(\d+)Minutes?$/);
  if (linear) return { strategy: "linear", stepWeight: Number(linear[1]), bakeSeconds: Number(linear[2]) * 60 };
  if (bare === "AllAtOnce") return { strategy: "all-at-once", bakeSeconds: 0 };
  throw new PlanError("rollout.preset", `unknown preset "${name}"`, "use e.g. Canary10Percent5Minutes, Linear10PercentEvery1Minute or AllAtOnce");
}
