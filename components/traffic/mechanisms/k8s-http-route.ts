/** Gateway API HTTPRoute backendRefs: relative int32 weights 0..1,000,000; a ref without one counts as 1. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export const k8sHttpRoute: TrafficMechanism<Record<Slot, number>> = {
  kind: "k8s-http-route",
  label: "Gateway API HTTPRoute",
  limits: { min: 0, max: 1_000_000, zeroAllowed: true, implicit: 1 },
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: cannotReadBack,
};
