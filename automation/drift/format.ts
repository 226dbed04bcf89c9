/** Shared wording of the renderers: one line of words per classified item. */
import type { DriftItem } from "./model";

const MAX_VALUE = 60;

/** Values as a person reads them: numbers and words plain, structures as JSON, long ones cut. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "-";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

const WHOLE_RESOURCE: Readonly<Record<string, Record<string, string>>> = {
  cloud: { delete: "(deleted outside Pulumi)", update: "(changed)" },
  code: { create: "(to be created)", delete: "(to be deleted)", replace: "(to be replaced)", update: "(to be updated)" },
};

export interface ItemWords {
  readonly class: string;
  readonly resource: string;
  readonly property: string;
  readonly state: string;
  /** The value found in the cloud, or the one code/config declare. */
  readonly now: string;
  readonly note: string;
}

export function itemWords(item: DriftItem): ItemWords {
  const now = item.source === "cloud" ? item.found_value : item.declared_value;
  const whole = item.property === undefined;
  return {
    class: item.class,
    resource: item.resource,
    property: whole ? (WHOLE_RESOURCE[item.source]![item.operation] ?? `(${item.operation})`) : `${item.property}${item.operation === "replace" ? " (replaces)" : ""}`,
    state: whole ? "" : formatValue(item.state_value),
    now: whole ? "" : `${formatValue(now)} ${item.source === "cloud" ? "(cloud)" : "(code)"}`,
    note: item.note ?? "",
  };
}

/** Said when a check answered one question only, so nobody reads "0 drifted" as the whole answer. */
export function scopeNote(questions: readonly string[]): string | undefined {
  if (questions.length !== 1) return undefined;
  return questions[0] === "cloud"
    ? "only the cloud was checked against state (--only cloud): code and config were not previewed"
    : "only code and config were checked against state (--only code): the cloud was not read";
}

/** The one-line account of a whole report, shared by the table and the Markdown. */
export function countsLine(counts: Readonly<Record<string, number>>, checked: number): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    plural(counts.drift ?? 0, "drifted", "drifted"),
    plural(counts["pending-change"] ?? 0, "pending change", "pending changes"),
    plural(counts.rollout ?? 0, "rollout change", "rollout changes"),
    plural(counts.ignored ?? 0, "ignored", "ignored"),
  ].join(", ") + ` (${plural(checked, "resource", "resources")} checked)`;
}
