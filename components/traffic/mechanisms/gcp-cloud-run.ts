/** Cloud Run traffic: whole percents per revision, summing to 100. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export const gcpCloudRun: TrafficMechanism<Record<Slot, number>> = {
  kind: "gcp-cloud-run",
  label: "Cloud Run traffic",
  limits: { min: 0, max: 100, zeroAllowed: true, sumTo: 100 },
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: cannotReadBack,
};
