/**
 * Turns the engine's event stream into observations, one per changed resource, as events arrive:
 * raw events carry whole property bags (a dynamic provider's serialized code among them), so
 * keeping them would cost memory on large stacks.
 */
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { nameOfUrn, type CheckedResource, type Observation, type Question, type ResourceOp } from "./model";
import { localFaults } from "../../components/local/faults";
import { containsSecret, diffProperties } from "./properties";
import { isServerManaged } from "./server-fields";

/** Engine step ops → what happens to the resource; same/read/refresh are no change. */
const OPS: Partial<Record<OpType | string, ResourceOp>> = {
  create: "create",
  import: "create",
  update: "update",
  delete: "delete",
  discard: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "discard-replaced": "replace",
  "import-replacement": "replace",
  "read-replacement": "replace",
};

/**
 * Resources that are not the user's: the root stack, and default providers, whose inputs are a
 * copy of the whole stack config (any config edit shows as their update, which says nothing).
 */
export function isBookkeeping(type: string, urn: string): boolean {
  if (type === "pulumi:pulumi:Stack") return true;
  return type.startsWith("pulumi:providers:") && /^default(_|$)/.test(nameOfUrn(urn));
}

type Bag = Record<string, unknown>;

/** The keys of `bag` that `keys` has: state's outputs limited to what the program declares. */
const pick = (bag: Bag | undefined, keys: Bag | undefined): Bag => Object.fromEntries(Object.keys(keys ?? {}).map((k) => [k, bag?.[k]]));

/** Engine-internal inputs (a dynamic provider's code, `__provider`) are equal on both sides. */
const sameInternals = (a: Bag | undefined, b: Bag | undefined): boolean =>
  [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].filter((k) => k.startsWith("__")).every((k) => JSON.stringify(a?.[k]) === JSON.stringify(b?.[k]));

export class ObservationCollector {
  private readonly found = new Map<string, Observation>();
  private readonly checked = new Map<string, CheckedResource>();

  constructor(readonly question: Question) {}

  /** Feed every engine event of one operation here. */
  readonly onEvent = (event: EngineEvent): void => {
    // A refresh reports its result in the outputs event; a preview its plan in the pre event.
    const meta: StepEventMetadata | undefined = this.question === "cloud" ? event.resOutputsEvent?.metadata : event.resourcePreEvent?.metadata;
    if (!meta || isBookkeeping(meta.type, meta.urn)) return;
    this.checked.set(meta.urn, { urn: meta.urn, type: meta.type, name: nameOfUrn(meta.urn) });
    const op = OPS[meta.op];
    if (!op) {
      if (this.question === "cloud") this.noteRecordedFault(meta);
      return;
    }
    // A replacement arrives as several steps; only the `replace` step holds both old and new.
    if (this.found.has(meta.urn) && meta.op !== "replace") return;
    const key = this.question === "cloud" ? "outputs" : "inputs";
    const before = (meta.old?.[key] ?? undefined) as Bag | undefined;
    const after = (meta.new?.[key] ?? undefined) as Bag | undefined;
    const skip = (path: string) => isServerManaged(meta.type, path);
    let { changes, truncated } = op === "update" || op === "replace" ? diffProperties(before, after, skip) : { changes: [], truncated: 0 };
    // The engine redacts secrets in events on both sides, so a changed secret shows no difference.
    const secretChange = op === "update" && changes.length === 0 && (containsSecret(before) || containsSecret(after)) ? true : undefined;
    if (this.question === "cloud" && op === "update" && changes.length === 0 && !secretChange) {
      // The engine's refresh diff asks "would an up change this?", so it also flags a resource
      // whose cloud values equal state but not the declared inputs (accepted drift, provider
      // normalisation). The cloud has not moved from state: the code question reports the rest,
      // and a fault that state already records is noted here.
      this.noteRecordedFault(meta);
      return;
    }
    if (this.question === "code" && (op === "update" || op === "replace") && changes.length === 0) {
      // Declared inputs unchanged, yet the engine plans a change: state's values differ from
      // them (e.g. accepted drift). Compare what the program declares with what state holds.
      ({ changes, truncated } = diffProperties(pick(meta.old?.outputs as Bag | undefined, after), after, skip));
    }
    // Nothing declared differs from state, not even a secret, yet the provider plans an update:
    // state records a fault an earlier refresh found (a failed repair, say). Not a code change.
    const recordedFault =
      this.question === "code" && op === "update" && changes.length === 0 && !secretChange && sameInternals(before, after) ? true : undefined;
    this.found.set(meta.urn, { question: this.question, urn: meta.urn, type: meta.type, name: nameOfUrn(meta.urn), op, properties: changes, truncated: truncated || undefined, secretChange, recordedFault });
  };

  /**
   * A fault that state already records (an accepted outage, a failed repair) is no difference
   * between cloud and state, yet the resource does not serve: it is drift all the same.
   */
  private noteRecordedFault(meta: StepEventMetadata): void {
    const faults = localFaults(meta.type, (meta.new?.outputs ?? undefined) as Bag | undefined);
    if (faults.length === 0) return;
    const properties = faults.map((f) => ({ path: f.path, before: f.expected, after: f.found }));
    this.found.set(meta.urn, { question: "cloud", urn: meta.urn, type: meta.type, name: nameOfUrn(meta.urn), op: "update", properties, faultInState: true });
  }

  observations(): Observation[] {
    return [...this.found.values()];
  }

  resources(): CheckedResource[] {
    return [...this.checked.values()];
  }
}
