/** Shared by every split: validate the common weights once, early when they are known. */
import * as pulumi from "@pulumi/pulumi";
import { SLOTS, type Weights } from "../../model/weights";
import { ComponentArgsError } from "../errors";

/**
 * Plain weights are checked now, so a bad stack config fails before any resource is registered;
 * weights that arrive as an Output are checked when they resolve (during preview they may be unknown,
 * in which case nothing downstream runs either).
 */
export function checkedWeights(
  component: string,
  weights: pulumi.Input<Weights>,
  /** A mechanism's own rule on top of the common one (e.g. all-or-nothing). */
  extra?: (w: Weights) => unknown,
): pulumi.Output<Weights> {
  const check = (w: Weights) => {
    assertValidWeights(component, "weights", w);
    extra?.(w);
  };
  if (!pulumi.Output.isInstance(weights) && !(weights instanceof Promise)) check(weights);
  return pulumi.output(weights).apply((w) => {
    check(w);
    return { blue: w.blue, green: w.green };
  });
}

/** Throws a ComponentArgsError naming `component` and `field` unless the weights are valid. */
export function assertValidWeights(component: string, field: string, weights: Weights): void {
  for (const slot of SLOTS) {
    const value = weights[slot];
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new ComponentArgsError(component, `${field}.${slot}`, `must be an integer from 0 to 100, got ${value}`, "use whole percentages");
    }
  }
  if (weights.blue + weights.green !== 100) {
    throw new ComponentArgsError(
      component,
      field,
      `blue + green must be 100, got ${weights.blue} + ${weights.green} = ${weights.blue + weights.green}`,
      `set green to ${100 - weights.blue}`,
    );
  }
}
