/** Small readers for resource inputs, which arrive as loosely typed JSON. */

export type Props = Record<string, unknown>;

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const record = (value: unknown): Props =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};

export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Reads a path like `a.b.0.c`; undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Props)[key];
  }
  return current;
}

/**
 * During preview, inputs that depend on other resources are unknown and the engine's proxy
 * throws when they are read. Returns `unknown` instead, so a rule can decide what that means.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

export function known<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** JSON with sorted keys: equal values give equal strings whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as Props)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Props)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
