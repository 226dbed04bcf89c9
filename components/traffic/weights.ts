/** The one traffic vocabulary of every cloud: two slots and integer weights 0..100 that sum to 100. */
import { ComponentArgsError } from "../errors";

export const SLOTS = ["blue", "green"] as const;
export type Slot = (typeof SLOTS)[number];
export interface Weights {
  readonly blue: number;
  readonly green: number;
}

export const otherSlot = (slot: Slot): Slot => (slot === "blue" ? "green" : "blue");

/** All traffic on one slot. */
export const allOn = (slot: Slot): Weights => (slot === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 });

/** Throws a ComponentArgsError naming `component` and `field` unless the weights are valid. */
export function assertValidWeights(component: string, field: string, weights: Weights): void {
  for (const slot of SLOTS) {
    const value = weights[slot];
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new ComponentArgsError(component, `${field}.${slot}`, `must be an integer from 0 to 100, got ${value}`, "use whole percentages");
    }
  }
  if (weights.blue + weights.green !== 100) {
    throw new ComponentArgsError(
      component,
      field,
      `blue + green must be 100, got ${weights.blue} + ${weights.green} = ${weights.blue + weights.green}`,
      `set green to ${100 - weights.blue}`,
    );
  }
}
