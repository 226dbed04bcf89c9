/** Shared by every split: validate the common weights once, early when they are known. */
import * as pulumi from "@pulumi/pulumi";
import { assertValidWeights, type Weights } from "./weights";

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
