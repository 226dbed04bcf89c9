import type { Weights } from "../../model/weights";

/** Moves traffic between the slots. Flagger's router, Pulumi-shaped: weights go through the engine. */
export interface TrafficRouter {
  readonly type: string;
  /**
   * Records the weights in stack config and applies them with a targeted update. Idempotent.
   * Resolves whether the data plane was read back and agrees (undefined: the target cannot tell).
   */
  setWeights(weights: Weights): Promise<boolean | undefined>;
}
