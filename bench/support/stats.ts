/** Small numeric and formatting helpers for the bench output. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const ms = (value: number) => `${round(value)} ms`;
export const secs = (value: number) => `${round(value / 1000, 2)} s`;
export const list = (values: readonly number[]) => `[${values.map((v) => round(v)).join(", ")}]`;

export interface Row {
  readonly metric: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  readonly verdict: string;
}

export function table(rows: readonly Row[]): string {
  const header: Row = { metric: "metric", value: "value", baseline: "baseline", ratio: "ratio", goal: "goal", verdict: "verdict" };
  const keys = Object.keys(header) as (keyof Row)[];
  const all = [header, ...rows];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => keys.map((k) => r[k].padEnd(width[k])).join(" | ");
  return [line(header), keys.map((k) => "-".repeat(width[k])).join("-|-"), ...rows.map(line)].join("\n");
}
