/** One drift check on an opened stack: the engine's two answers, classified. No I/O beyond the engine. */
import type { OpenedStack } from "../workspace";
import { classify } from "./classify";
import { detect, type DetectOptions } from "./detect";
import { utcDay } from "./ignore";
import type { CheckedResource, DriftItem } from "./model";
import type { RolloutContext } from "./rollout-context";
import type { IgnoreRule } from "./schema";

export interface CheckOptions extends DetectOptions {
  readonly rules?: readonly IgnoreRule[];
  readonly rollout?: RolloutContext;
  /** The clock for rule expiry; now by default. */
  readonly now?: Date;
}

export interface CheckResult {
  readonly items: readonly DriftItem[];
  readonly resources: readonly CheckedResource[];
}

export async function checkDrift(opened: OpenedStack, options: CheckOptions = {}): Promise<CheckResult> {
  const detection = await detect(opened, options);
  const items = classify(detection.observations, { rules: options.rules ?? [], today: utcDay(options.now ?? new Date()), rollout: options.rollout });
  return { items, resources: detection.resources };
}
