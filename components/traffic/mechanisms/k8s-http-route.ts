/**
 * Gateway API HTTPRoute backendRefs: relative int32 weights 0..1,000,000; a ref without one counts
 * as 1. Read back from the API server (the route as it is stored, whoever wrote it last); the
 * client is loaded only then, since the policy pack loads these descriptors too.
 */
import type { TrafficMechanism } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";
import type * as ReadBack from "../../kubernetes/read-back";

export const k8sHttpRoute: TrafficMechanism<Record<Slot, number>> = {
  kind: "k8s-http-route",
  label: "Gateway API HTTPRoute",
  limits: { min: 0, max: 1_000_000, zeroAllowed: true, implicit: 1 },
  toNative: (w) => ({ blue: w.blue, green: w.green }),
  readBack: (outputs) => (require("../../kubernetes/read-back") as typeof ReadBack).readRouteWeights(outputs),
};
