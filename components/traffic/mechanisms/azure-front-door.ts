/** Azure Front Door origins: weights 1..1000, no zero. */
import type { TrafficMechanism } from "../../../model/mechanism";
import { cannotReadBack } from "../../../model/mechanism";
import type { Slot } from "../../../model/weights";

export interface FrontDoorOriginState {
  readonly weight: number;
  readonly enabledState: "Enabled" | "Disabled";
}

export const azureFrontDoor: TrafficMechanism<Record<Slot, FrontDoorOriginState>> = {
  kind: "azure-front-door",
  label: "Azure Front Door origin",
  limits: { min: 1, max: 1000, zeroAllowed: false },
  // A 0 % slot is a disabled origin of weight 1.
  toNative: (w) => {
    const one = (pct: number): FrontDoorOriginState => (pct === 0 ? { weight: 1, enabledState: "Disabled" } : { weight: pct, enabledState: "Enabled" });
    return { blue: one(w.blue), green: one(w.green) };
  },
  readBack: cannotReadBack,
};
