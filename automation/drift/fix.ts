/**
 * Remediation. `revert` puts the cloud back to the declared state: a targeted update with
 * refresh of the drifted resources (what Pulumi Cloud's drift remediation runs, `up --refresh`),
 * previewed and confirmed first. `accept` takes the cloud's values into state with a targeted
 * refresh and says which config or code must change so the next deploy keeps them.
 */
import { SwitchyardError } from "../../model/errors";
import type { OpenedStack } from "../workspace";
import { ObservationCollector } from "./collect";
import { isPseudoUrn } from "./endpoint";
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
  /** Resources lost from state, and the parent through which a targeted update recreates each. */
  readonly lostParents?: ReadonlyMap<string, string>;
}

export interface FixOutcome {
  readonly view: FixView;
  /** False when the person said no. */
  readonly confirmed: boolean;
}

/** The resources with drift, each once, in report order; observed pseudo-resources (the endpoint) are no engine target. */
export function fixTargets(items: readonly DriftItem[]): string[] {
  return [...new Set(items.filter((item) => item.class === "drift" && !isPseudoUrn(item.urn)).map((item) => item.urn))];
}

/** Said when drift was found but no resource differs: only the data plane shows it. */
const NOTHING_TO_TARGET = "no resource differs from state, yet the endpoint does not answer: run switchyard status to see what fails, then deploy";

function summarize(changes: Readonly<Record<string, number>>): string {
  return Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${n} ${op}`).join(", ") || "no change";
}

/**
 * The engine updates to run. Resources state still holds are refreshed and updated as targets.
 * A lost one cannot be targeted (state lacks it) and a targeted refresh through its parent fails
 * on the engine's default provider, so it is recreated by a second update of its parent, without
 * refresh: the parent's other children were refreshed by the first pass if they drifted.
 */
export function revertPasses(targets: readonly string[], lostParents: readonly string[], lost: ReadonlySet<string>): { refresh: boolean; target: string[] }[] {
  const direct = targets.filter((urn) => !lost.has(urn));
  const parents = [...new Set(lostParents)];
  return [...(direct.length ? [{ refresh: true, target: direct }] : []), ...(parents.length ? [{ refresh: false, target: parents }] : [])];
}

function addChanges(sum: Record<string, number>, more: Readonly<Record<string, number>> | undefined): void {
  for (const [op, n] of Object.entries(more ?? {})) sum[op] = (sum[op] ?? 0) + n;
}

export async function revert(items: readonly DriftItem[], deps: FixDeps): Promise<FixOutcome> {
  const targets = fixTargets(items);
  if (!targets.length) {
    const onlyEndpoint = items.some((item) => item.class === "drift");
    return { view: { mode: "revert", applied: false, targets, follow_up: [onlyEndpoint ? NOTHING_TO_TARGET : "nothing drifted: nothing to revert"] }, confirmed: true };
  }
  // A targeted update applies the whole declared state of its targets: it would ship an
  // un-applied code change along with the revert, bypassing the rollout.
  const lost = items.filter((item) => item.class === "drift" && item.lost_since !== undefined && deps.lostParents?.has(item.urn));
  // Recreating a lost resource targets its parent and that parent's dependents, so any pending
  // change there would ship too: with a loss, every pending change blocks the revert.
  const mixed = items.filter((item) => item.class === "pending-change" && (lost.length > 0 || targets.includes(item.urn)));
  if (mixed.length) {
    const names = [...new Set(mixed.map((item) => item.resource))].join(", ");
    throw new DriftFixError(
      `cannot revert ${names}: it has drifted and also has an un-applied change in code or config, which the revert would apply too`,
      "deploy the pending change first (switchyard deploy), or undo it in code/config, then run --fix revert again",
    );
  }
  const passes = revertPasses(targets, lost.map((item) => deps.lostParents!.get(item.urn)!), new Set(lost.map((item) => item.urn)));
  const plan = new ObservationCollector("code");
  const previewChanges: Record<string, number> = {};
  for (const pass of passes) {
    const preview = await deps.opened.run("revert preview", (stack) => stack.preview({ ...pass, targetDependents: true, onEvent: plan.onEvent }));
    addChanges(previewChanges, preview.changeSummary);
  }
  const planned = plan.observations().map((obs) => `${obs.op} ${obs.name}`).join(", ") || summarize(previewChanges);
  deps.progress(`revert will: ${planned}\n`);
  // The plan is in the question too: with --json no progress is printed.
  if (!deps.yes && !(await deps.confirm(`revert ${targets.length} drifted resource(s) of stack "${deps.opened.stackName}" to the declared state (${planned})?`))) {
    return { view: { mode: "revert", applied: false, targets, changes: previewChanges, follow_up: ["cancelled; nothing was changed"] }, confirmed: false };
  }
  const changes: Record<string, number> = {};
  for (const pass of passes) {
    const result = await deps.opened.run("revert", (stack) => stack.up({ ...pass, targetDependents: true, onOutput: deps.progress }));
    addChanges(changes, (result.summary.resourceChanges ?? {}) as Record<string, number>);
  }
  return { view: { mode: "revert", applied: true, targets, changes, follow_up: [`reverted: ${summarize(changes)}`] }, confirmed: true };
}

export async function accept(items: readonly DriftItem[], deps: FixDeps, context: FollowUpContext): Promise<FixOutcome> {
  // A lost resource has no cloud values to take into state: state already lacks it.
  const lost = items.filter((item) => item.class === "drift" && item.lost_since !== undefined);
  const targets = fixTargets(items).filter((urn) => !lost.some((item) => item.urn === urn));
  const follow = [
    ...followUp(items.filter((item) => !lost.includes(item)), context),
    ...lost.map((item) => `${item.resource} is gone and cannot be accepted: revert (or deploy) recreates it; to drop it, remove it from code or config and deploy`),
  ];
  if (!targets.length) {
    const onlyEndpoint = items.some((item) => item.class === "drift");
    const why = lost.length ? follow : [onlyEndpoint ? NOTHING_TO_TARGET : "nothing drifted: nothing to accept"];
    return { view: { mode: "accept", applied: false, targets, follow_up: why }, confirmed: true };
  }
  deps.progress(`accept will take the cloud's values of ${targets.length} resource(s) into state\n`);
  const names = [...new Set(items.filter((item) => item.class === "drift").map((item) => item.resource))].join(", ");
  if (!deps.yes && !(await deps.confirm(`take the cloud's values of ${targets.length} drifted resource(s) (${names}) into the state of stack "${deps.opened.stackName}"?`))) {
    return { view: { mode: "accept", applied: false, targets, follow_up: ["cancelled; nothing was changed"] }, confirmed: false };
  }
  const result = await deps.opened.run("accept (refresh)", (stack) => stack.refresh({ target: targets, onOutput: deps.progress }));
  const changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
  return { view: { mode: "accept", applied: true, targets, changes, follow_up: follow.length ? follow : ["state now holds the cloud's values"] }, confirmed: true };
}
