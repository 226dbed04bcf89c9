/**
 * What the stack runs now, as the driver hands it to the pack through pack config: a policy
 * sees only the new inputs, never the old state. Replacement inputs arrive hashed, so no state
 * value (secret or not) passes through the pack config file.
 */
import { createHash } from "node:crypto";
import { canonical, record, type Props } from "./values";
import type { WeightSet } from "./weights";

export interface BaselineEntry {
  /** Canonical JSON of the weight lists, in weightSets order. */
  readonly weights: string;
  /** Replacement input name → sha256 of its canonical JSON. */
  readonly replaceKeys: Readonly<Record<string, string>>;
}

/** URN → what the resource has in the current state. */
export type Baseline = Readonly<Record<string, BaselineEntry>>;

export const hashValue = (value: unknown) => createHash("sha256").update(canonical(value)).digest("hex");

export const weightsKey = (sets: readonly WeightSet[]) => canonical(sets.map((s) => s.weights));

export function baselineEntry(sets: readonly WeightSet[], props: Props, keys: readonly string[]): BaselineEntry {
  return { weights: weightsKey(sets), replaceKeys: Object.fromEntries(keys.map((k) => [k, hashValue(record(props)[k] ?? null)])) };
}
