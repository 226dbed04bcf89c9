/**
 * What a deploy must do, from what runs (the stack's outputs) and what the config asks for.
 * Pure, so every case is table-tested.
 */
import { otherSlot, type Slot, type Weights } from "../../model/weights";
import type { StackConfig } from "../../model/config/stack";
import type { ConfigProblem } from "../../model/errors";

export interface Running {
  readonly weights: Weights;
  readonly versions: Readonly<Record<Slot, string>>;
}

export type Decision =
  /** One update of the whole stack with the config as it is (first deploy, manual weights, idle-slot change). */
  | { readonly kind: "apply"; readonly traffic: Weights; readonly reason: string }
  /** Progressive: bring the canary slot up at the running weights, then step traffic to it. */
  | { readonly kind: "rollout"; readonly stable: Slot; readonly canary: Slot; readonly fromWeight: number }
  | { readonly kind: "refuse"; readonly problems: readonly ConfigProblem[] };

const servingSlot = (w: Weights): Slot | undefined => (w.blue === 100 ? "blue" : w.green === 100 ? "green" : undefined);

export function decide(running: Running | undefined, config: StackConfig): Decision {
  const active = config.active;
  if (!active) {
    return { kind: "apply", traffic: config.traffic!, reason: "no switchyard:active: weights applied as written" };
  }
  const allOnActive: Weights = active === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 };
  if (!running) return { kind: "apply", traffic: allOnActive, reason: "first deploy of the stack" };

  const stable = otherSlot(active);
  const serving = servingSlot(running.weights);
  const changedInService = (slot: Slot) => running.versions[slot] !== config.slots[slot].version && running.weights[slot] > 0;
  for (const slot of [stable, active]) {
    // Replacing what serves traffic in place is the downtime this tool exists to avoid.
    if (changedInService(slot) && (slot === stable || serving === slot)) {
      return {
        kind: "refuse",
        problems: [
          {
            path: `switchyard:slots.${slot}.version`,
            message: `changes the version of the ${slot} slot while it serves ${running.weights[slot]}% of traffic`,
            value: JSON.stringify(config.slots[slot].version),
            fix: `keep ${slot} at ${running.versions[slot]}; put the new version on ${otherSlot(slot)} and set switchyard:active: ${otherSlot(slot)}`,
          },
        ],
      };
    }
  }
  if (serving === active) return { kind: "apply", traffic: allOnActive, reason: `${active} already serves all traffic` };
  return { kind: "rollout", stable, canary: active, fromWeight: running.weights[active] };
}
