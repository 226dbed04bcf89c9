/** Matching drift against the ignore rules of `switchyard:drift`, and their expiry. */
import type { IgnoreRule } from "../../model/config/drift";

export interface RuleTarget {
  readonly urn: string;
  readonly type: string;
  /** Absent for a change to the whole resource (a deletion). */
  readonly path?: string;
}

export type RuleVerdict =
  | { readonly kind: "none" }
  | { readonly kind: "ignored"; readonly rule: IgnoreRule }
  | { readonly kind: "expired"; readonly rule: IgnoreRule };

function glob(pattern: string, text: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(text);
}

/** `weights.green` → ["weights", "green"]; `a[0]["x.y"]` → ["a", "0", "x.y"]. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const match of path.matchAll(re)) segments.push(match[1] ?? match[2] ?? JSON.parse(`"${match[3]}"`));
  return segments;
}

/** A rule path covers its own property and everything below it; `*` in a segment matches any one segment. */
export function pathCovers(rulePath: string, path: string | undefined): boolean {
  if (rulePath.trim() === "*") return true;
  if (path === undefined) return false;
  const rule = pathSegments(rulePath);
  const actual = pathSegments(path);
  if (rule.length > actual.length) return false;
  return rule.every((segment, i) => glob(segment, actual[i]!));
}

export function ruleMatches(rule: IgnoreRule, target: RuleTarget): boolean {
  if (rule.urn !== undefined && !glob(rule.urn, target.urn)) return false;
  if (rule.type !== undefined && !glob(rule.type, target.type)) return false;
  return pathCovers(rule.path, target.path);
}

/** Today's date in UTC, YYYY-MM-DD: rule expiry is by calendar day, the same on every runner. */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

/** A rule holds through its `expires` day; a live rule wins over an expired one that also matches. */
export function verdictFor(rules: readonly IgnoreRule[], target: RuleTarget, today: string): RuleVerdict {
  let expired: IgnoreRule | undefined;
  for (const rule of rules) {
    if (!ruleMatches(rule, target)) continue;
    if (rule.expires === undefined || today <= rule.expires) return { kind: "ignored", rule };
    expired ??= rule;
  }
  return expired ? { kind: "expired", rule: expired } : { kind: "none" };
}
