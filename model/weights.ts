/** The one traffic vocabulary of every cloud: two slots and integer weights 0..100 that sum to 100. */
export const SLOTS = ["blue", "green"] as const;
export type Slot = (typeof SLOTS)[number];
export interface Weights {
  readonly blue: number;
  readonly green: number;
}

export const otherSlot = (slot: Slot): Slot => (slot === "blue" ? "green" : "blue");

/** All traffic on one slot. */
export const allOn = (slot: Slot): Weights => (slot === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 });
