/** Config paths in Pulumi's `--path` syntax: `analysis.metrics[0].provider.headers.Authorization`, `a["odd.key"]`. */
export type Segment = string | number;

export function joinPath(parent: string, key: Segment): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

export const formatPath = (segments: readonly Segment[]): string => segments.reduce<string>((acc, key) => joinPath(acc, key), "");

/** The value at `segments` inside parsed JSON/YAML; undefined when any step is missing. */
export function valueAtSegments(data: unknown, segments: readonly Segment[]): unknown {
  let current = data;
  for (const key of segments) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
