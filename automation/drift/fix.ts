/**
 * Remediation. `revert` puts the cloud back to the declared state: a targeted update with
 * refresh of the drifted resources (what Pulumi Cloud's drift remediation runs, `up --refresh`),
 * previewed and confirmed first. `accept` takes the cloud's values into state with a targeted
 * refresh and says which config or code must change so the next deploy keeps them.
 */
import { SwitchyardError } from "../errors";
import type { OpenedStack } from "../workspace";
import { ObservationCollector } from "./collect";
import { followUp, type FollowUpContext } from "./follow-up";
import type { DriftItem, FixView } from "./model";

export type FixMode = "revert" | "accept";
export const FIX_MODES: readonly FixMode[] = ["revert", "accept"];

export class DriftFixError extends SwitchyardError {}

export interface FixDeps {
  readonly opened: OpenedStack;
  /** Asks a person; resolves true to go on. Not called when `yes`. */
  readonly confirm: (question: string) => Promise<boolean>;
  readonly yes: boolean;
  readonly progress: (line: string) => void;
}

export interface FixOutcome {
  readonly view: FixView;
  /** False when the person said no. */
  readonly confirmed: boolean;
}

/** The resources with drift, each once, in report order. */
export function fixTargets(items: readonly DriftItem[]): string[] {
  return [...new Set(items.filter((item) => item.class === "drift").map((item) => item.urn))];
}

function summarize(changes: Readonly<Record<string, number>>): string {
  return Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${n} ${op}`).join(", ") || "no change";
}

export async function revert(items: readonly DriftItem[], deps: FixDeps): Promise<FixOutcome> {
  const targets = fixTargets(items);
  if (!targets.length) return { view: { mode: "revert", applied: false, targets, follow_up: ["nothing drifted: nothing to revert"] }, confirmed: true };
  // A targeted update applies the whole declared state of its targets: it would ship an
  // un-applied code change along with the revert, bypassing the rollout.
  const mixed = items.filter((item) => item.class === "pending-change" && targets.includes(item.urn));
  if (mixed.length) {
    const names = [...new Set(mixed.map((item) => item.resource))].join(", ");
    throw new DriftFixError(
      `cannot revert ${names}: it has drifted and also has an un-applied change in code or config, which the revert would apply too`,
      "deploy the pending change first (switchyard deploy), or undo it in code/config, then run --fix revert again",
    );
  }
  const plan = new ObservationCollector("code");
  const preview = await deps.opened.run("revert preview", (stack) => stack.preview({ refresh: true, target: targets, targetDependents: true, onEvent: plan.onEvent }));
  const planned = plan.observations().map((obs) => `${obs.op} ${obs.name}`).join(", ") || summarize(preview.changeSummary);
  deps.progress(`revert will: ${planned}\n`);
  // The plan is in the question too: with --json no progress is printed.
  if (!deps.yes && !(await deps.confirm(`revert ${targets.length} drifted resource(s) of stack "${deps.opened.stackName}" to the declared state (${planned})?`))) {
    return { view: { mode: "revert", applied: false, targets, changes: preview.changeSummary, follow_up: ["cancelled; nothing was changed"] }, confirmed: false };
  }
  const result = await deps.opened.run("revert", (stack) => stack.up({ refresh: true, target: targets, targetDependents: true, onOutput: deps.progress }));
  const changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
  return { view: { mode: "revert", applied: true, targets, changes, follow_up: [`reverted: ${summarize(changes)}`] }, confirmed: true };
}

export async function accept(items: readonly DriftItem[], deps: FixDeps, context: FollowUpContext): Promise<FixOutcome> {
  const targets = fixTargets(items);
  const follow = followUp(items, context);
  if (!targets.length) return { view: { mode: "accept", applied: false, targets, follow_up: ["nothing drifted: nothing to accept"] }, confirmed: true };
  deps.progress(`accept will take the cloud's values of ${targets.length} resource(s) into state\n`);
  const names = [...new Set(items.filter((item) => item.class === "drift").map((item) => item.resource))].join(", ");
  if (!deps.yes && !(await deps.confirm(`take the cloud's values of ${targets.length} drifted resource(s) (${names}) into the state of stack "${deps.opened.stackName}"?`))) {
    return { view: { mode: "accept", applied: false, targets, follow_up: ["cancelled; nothing was changed"] }, confirmed: false };
  }
  const result = await deps.opened.run("accept (refresh)", (stack) => stack.refresh({ target: targets, onOutput: deps.progress }));
  const changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
  return { view: { mode: "accept", applied: true, targets, changes, follow_up: follow.length ? follow : ["state now holds the cloud's values"] }, confirmed: true };
}
