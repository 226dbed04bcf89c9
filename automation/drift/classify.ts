/**
 * The pure classifier: engine observations in, classified items out. Order of the checks on a
 * cloud-side change: a rollout's own weights first (expected), then ignore rules (accepted for a
 * while), else drift. Code-side changes are pending changes unless they are the rollout's; ignore
 * rules cover drift only, since a pending change never alarms.
 */
import type { ChangeClass, DriftItem, Observation } from "./model";
import { verdictFor } from "./ignore";
import { isRolloutChange, type RolloutContext } from "./rollout-context";
import type { IgnoreRule } from "../../model/config/drift";

export interface ClassifyOptions {
  readonly rules: readonly IgnoreRule[];
  /** YYYY-MM-DD (UTC) for rule expiry. */
  readonly today: string;
  readonly rollout?: RolloutContext;
}

function cloudItem(base: Omit<DriftItem, "class" | "note">, options: ClassifyOptions): DriftItem {
  if (isRolloutChange(options.rollout, base.urn, base.type, base.property, base.found_value)) {
    return { ...base, class: "rollout", note: `rollout ${options.rollout!.id} (${options.rollout!.status}) sets these weights` };
  }
  const verdict = verdictFor(options.rules, { urn: base.urn, type: base.type, path: base.property }, options.today);
  if (verdict.kind === "ignored") {
    const until = verdict.rule.expires ? ` (until ${verdict.rule.expires})` : "";
    return { ...base, class: "ignored", note: `${verdict.rule.reason}${until}` };
  }
  if (verdict.kind === "expired") {
    return { ...base, class: "drift", note: `ignore rule expired on ${verdict.rule.expires}: ${verdict.rule.reason}` };
  }
  return { ...base, class: "drift" };
}

function codeItem(base: Omit<DriftItem, "class" | "note">, options: ClassifyOptions): DriftItem {
  const cls: ChangeClass = isRolloutChange(options.rollout, base.urn, base.type, base.property, base.declared_value) ? "rollout" : "pending-change";
  return cls === "rollout" ? { ...base, class: cls, note: `rollout ${options.rollout!.id} (${options.rollout!.status}) moves these weights` } : { ...base, class: cls };
}

function itemsOf(obs: Observation, options: ClassifyOptions): DriftItem[] {
  const common = { source: obs.question, urn: obs.urn, type: obs.type, resource: obs.name, operation: obs.op, ...(obs.lostSince ? { lost_since: obs.lostSince } : {}) } as const;
  const more = obs.truncated ? ` (+${obs.truncated} more properties not listed)` : "";
  const secret = obs.secretChange ? "a secret property changed (values are never shown)" : undefined;
  const lost = obs.lostSince
    ? `the last successful deploy (${obs.lostSince}) left it running; it is gone from the cloud and from state since (a refresh, a failed revert or an accept dropped it): revert or deploy recreates it`
    : undefined;
  const faulty = obs.faultInState ? "state already records this fault (an accept, or a repair that failed): it does not serve as declared" : undefined;
  const extra = secret ?? lost ?? faulty;
  const withNote = (item: DriftItem) => (extra ? { ...item, note: [item.note, extra].filter(Boolean).join("; ") } : item);
  if (obs.question === "cloud") {
    if (obs.op === "delete" || obs.properties.length === 0) return [withNote(cloudItem(common, options))];
    if (obs.faultInState) {
      // State and cloud agree on the fault; what differs is what the resource is declared to be.
      return obs.properties.map((p) => withNote(cloudItem({ ...common, property: p.path, state_value: p.after, found_value: p.after, declared_value: p.before }, options)));
    }
    return obs.properties.map((p, i) => {
      const item = cloudItem({ ...common, property: p.path, state_value: p.before, found_value: p.after }, options);
      return i === obs.properties.length - 1 && more ? { ...item, note: `${item.note ?? ""}${more}`.trim() } : item;
    });
  }
  if (obs.recordedFault) {
    return [cloudItem({ ...common, source: "code" }, options)].map((item) => ({ ...item, note: [item.note, "state records a fault found by an earlier refresh (a failed repair?); nothing in code or config changed"].filter(Boolean).join("; ") }));
  }
  // A created or deleted resource is one change; listing every input of it says nothing more.
  if (obs.op === "create" || obs.op === "delete" || obs.properties.length === 0) return [withNote(codeItem(common, options))];
  return obs.properties.map((p) => codeItem({ ...common, property: p.path, state_value: p.before, declared_value: p.after }, options));
}

export function classify(observations: readonly Observation[], options: ClassifyOptions): DriftItem[] {
  return observations.flatMap((obs) => itemsOf(obs, options));
}
