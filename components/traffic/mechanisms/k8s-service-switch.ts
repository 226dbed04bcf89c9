/** A Service whose selector picks one slot: all-or-nothing, so only 100/0 and 0/100 exist. Read back from the API server. */
import type { TrafficMechanism } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";
import type * as ReadBack from "../../kubernetes/read-back";
import { ComponentArgsError } from "../../errors";

export const k8sServiceSwitch: TrafficMechanism<Slot> = {
  kind: "k8s-service-switch",
  label: "Kubernetes Service selector switch",
  limits: { min: 0, max: 100, zeroAllowed: true, sumTo: 100, allOrNothing: true },
  // A split in between is refused rather than rounded: rounding would move traffic nobody asked for.
  toNative: (w) => {
    if (w.blue === 100) return "blue";
    if (w.green === 100) return "green";
    throw new ComponentArgsError(
      "switchyard:traffic:ServiceSwitch",
      "weights",
      `a Service selector switch is all-or-nothing, got blue ${w.blue} / green ${w.green}`,
      "use 100/0 or 0/100, or add a Gateway (HTTPRoute split) for weighted steps",
    );
  },
  readBack: (outputs) => (require("../../kubernetes/read-back") as typeof ReadBack).readSwitchWeights(outputs),
};
