/**
 * Leaf-level differences between two property bags (state vs. cloud, state vs. program), with
 * secrets redacted before any value leaves this module. The engine's detailedDiff is empty for
 * refreshes and for dynamic providers, so paths are computed here.
 */
import type { PropertyChange } from "./model";
import { PULUMI_SECRET_SIG as SECRET_SIG, SECRET_NAME } from "../../model/secrets/redact";

export const REDACTED = "[secret]";
/** Engine-internal keys (a dynamic provider's serialized code, `__provider`) are no one's property. */
const INTERNAL_KEY = /^__/;

export const MAX_CHANGES_PER_RESOURCE = 50;

type Bag = Readonly<Record<string, unknown>>;

function isSecretValue(value: unknown): boolean {
  return value === REDACTED || (typeof value === "object" && value !== null && SECRET_SIG in value);
}

function isPlainObject(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecretValue(value);
}

/** `a.b`, `a[0]`, `a["odd.key"]`: the path syntax of the report and of ignore rules. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (!plain) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A value fit to print: secrets and secret-named keys become [secret]. */
export function redactValue(value: unknown, path = ""): unknown {
  if (isSecretValue(value)) return REDACTED;
  if (value !== undefined && SECRET_NAME.test(path)) return REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => redactValue(v, joinPath(path, i)));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !INTERNAL_KEY.test(k)).map(([k, v]) => [k, redactValue(v, joinPath(path, k))]));
  }
  return value;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Paths not to compare (and the subtrees under them). */
export type SkipPath = (path: string) => boolean;

function walk(before: unknown, after: unknown, path: string, out: PropertyChange[], skip?: SkipPath): void {
  if (path && skip?.(path)) return;
  if (isSecretValue(before) || isSecretValue(after)) {
    // A secret changed, or stopped/started being secret: say where, never what.
    if (!equal(before, after)) out.push({ path, before: before === undefined ? undefined : REDACTED, after: after === undefined ? undefined : REDACTED });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      if (INTERNAL_KEY.test(key)) continue;
      walk(before[key], after[key], joinPath(path, key), out, skip);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => walk(item, after[i], joinPath(path, i), out, skip));
    return;
  }
  if (!equal(before, after)) out.push({ path, before: redactValue(before, path), after: redactValue(after, path) });
}

/** Every leaf that differs, in path order, at most MAX_CHANGES_PER_RESOURCE (the rest counted); `skip` leaves paths out before counting. */
export function diffProperties(before: Bag | undefined, after: Bag | undefined, skip?: SkipPath): { changes: PropertyChange[]; truncated: number } {
  const out: PropertyChange[] = [];
  walk(before ?? {}, after ?? {}, "", out, skip);
  const kept = out.slice(0, MAX_CHANGES_PER_RESOURCE);
  return { changes: kept, truncated: out.length - kept.length };
}

/** True when a secret value sits anywhere in the bag. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => !INTERNAL_KEY.test(k) && containsSecret(v));
  return false;
}
