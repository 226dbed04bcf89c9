/** GCP URL map weighted backend services: integers 0..1000, at least one non-zero. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export const gcpUrlMap: TrafficMechanism<Record<Slot, number>> = {
  kind: "gcp-url-map",
  label: "GCP URL map",
  limits: { min: 0, max: 1000, zeroAllowed: true },
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: cannotReadBack,
};
