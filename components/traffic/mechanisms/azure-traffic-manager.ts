/** Azure Traffic Manager weighted endpoints: 1..1000, no zero. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export interface TrafficManagerEndpointState {
  readonly weight: number;
  readonly endpointStatus: "Enabled" | "Disabled";
}

export const azureTrafficManager: TrafficMechanism<Record<Slot, TrafficManagerEndpointState>> = {
  kind: "azure-traffic-manager",
  label: "Azure Traffic Manager",
  limits: { min: 1, max: 1000, zeroAllowed: false },
  // A 0 % slot is disabled and keeps weight 1, so that re-enabling it changes two fields only.
  toNative: (w) => {
    const one = (pct: number): TrafficManagerEndpointState => (pct === 0 ? { weight: 1, endpointStatus: "Disabled" } : { weight: pct, endpointStatus: "Enabled" });
    return { blue: one(w.blue), green: one(w.green) };
  },
  readBack: cannotReadBack,
};
