import type { Weights } from "../../model/weights";

/** Moves traffic between the slots. Flagger's router, Pulumi-shaped: weights go through the engine. */
export interface TrafficRouter {
  readonly type: string;
  /**
   * Applies the weights with a targeted update (the driver's status, never the stack file). Idempotent.
   * Resolves whether the data plane was read back and agrees (undefined: the target cannot tell).
   */
  setWeights(weights: Weights): Promise<boolean | undefined>;
}
