/** Route 53 weighted records: relative integers 0..255, one record per slot. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export const awsRoute53: TrafficMechanism<Record<Slot, number>> = {
  kind: "aws-route53",
  label: "Route 53 weighted record",
  limits: { min: 0, max: 255, zeroAllowed: true },
  // A percentage maps onto itself; all-zero ("equal" to Route 53) cannot occur: weights sum to 100.
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: cannotReadBack,
};
