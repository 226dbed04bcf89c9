/**
 * The current weights and replacement inputs of every traffic resource in the stack's state,
 * for the rules that must compare the update with what runs now (policies see only new inputs).
 */
import { type Baseline, baselineEntry } from "../../policy/lib/baseline";
import { replacementKeys } from "../../policy/lib/replacement";
import { weightSets } from "../../policy/lib/weights";

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
}

/** From `stack.exportStack()`: only weights (numbers) and hashes leave the state. */
export function baselineFromDeployment(deployment: { deployment?: { resources?: readonly StateResource[] } }): Baseline {
  const entries: [string, ReturnType<typeof baselineEntry>][] = [];
  for (const r of deployment.deployment?.resources ?? []) {
    const inputs = r.inputs ?? {};
    const sets = weightSets(r.type, inputs);
    if (sets.length) entries.push([r.urn, baselineEntry(sets, inputs, replacementKeys(r.type))]);
  }
  return Object.fromEntries(entries);
}
