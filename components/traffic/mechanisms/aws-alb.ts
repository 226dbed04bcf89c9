/** AWS ALB forward action: relative integer weights 0..999, at most 5 target groups; a group without a weight counts as 1. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export const awsAlb: TrafficMechanism<Record<Slot, number>> = {
  kind: "aws-alb",
  label: "AWS ALB forward",
  limits: { min: 0, max: 999, zeroAllowed: true, maxEntries: 5, implicit: 1 },
  // Relative weights: a percentage maps onto itself.
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: cannotReadBack,
};
