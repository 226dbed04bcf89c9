/** Shared by every split: validate the common weights once, early when they are known. */
import * as pulumi from "@pulumi/pulumi";
import { assertValidWeights, type Weights } from "./weights";

/**
 * Plain weights are checked now, so a bad stack config fails before any resource is registered;
 * weights that arrive as an Output are checked when they resolve (during preview they may be unknown,
 * in which case nothing downstream runs either).
 */
export function checkedWeights(component: string, weights: pulumi.Input<Weights>, field = "weights"): pulumi.Output<Weights> {
  if (!pulumi.Output.isInstance(weights) && !(weights instanceof Promise)) assertValidWeights(component, field, weights);
  return pulumi.output(weights).apply((w) => {
    assertValidWeights(component, field, w);
    return { blue: w.blue, green: w.green };
  });
}
