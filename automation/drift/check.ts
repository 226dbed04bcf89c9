/** One drift check on an opened stack: the engine's two answers, classified. No I/O beyond the engine. */
import type { OpenedStack } from "../workspace";
import { classify } from "./classify";
import { detect, type DetectOptions } from "./detect";
import { utcDay } from "./ignore";
import type { Inventory } from "./inventory";
import { urnsInState, withLost } from "./lost";
import type { CheckedResource, DriftItem, Observation } from "./model";
import type { RolloutContext } from "./rollout-context";
import type { IgnoreRule } from "../../model/config/drift";

export interface CheckOptions extends DetectOptions {
  readonly rules?: readonly IgnoreRule[];
  readonly rollout?: RolloutContext;
  /** The clock for rule expiry; now by default. */
  readonly now?: Date;
  /** What the last successful deploy left running: what state lost since is drift too. */
  readonly inventory?: Inventory;
  /** The data plane's answer, asked beside the engine (endpoint.ts). */
  readonly endpoint?: Promise<Observation | undefined>;
}

export interface CheckResult {
  readonly items: readonly DriftItem[];
  readonly resources: readonly CheckedResource[];
}

export async function checkDrift(opened: OpenedStack, options: CheckOptions = {}): Promise<CheckResult> {
  const [detection, endpoint] = await Promise.all([detect(opened, options), options.endpoint]);
  const inState = urnsInState(detection.resources, detection.observations);
  const observations = [...withLost(detection.observations, options.inventory, inState), ...(endpoint ? [endpoint] : [])];
  const items = classify(observations, { rules: options.rules ?? [], today: utcDay(options.now ?? new Date()), rollout: options.rollout });
  return { items, resources: detection.resources };
}
