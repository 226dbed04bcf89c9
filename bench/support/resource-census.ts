/**
 * What a build registered under Pulumi mocks: cloud (custom) resources and component resources
 * counted apart, per type, and on request a fingerprint of every cloud resource (type, name,
 * provider, inputs) so that two builds can be shown to construct the same cloud resources.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Census {
  readonly custom: number;
  readonly components: number;
  /** Cloud resources per type. */
  readonly customByType: Readonly<Record<string, number>>;
  readonly componentsByType: Readonly<Record<string, number>>;
  /** Per cloud resource (`type::name`), a digest of its provider and inputs; only when asked for. */
  readonly fingerprints?: Readonly<Record<string, string>>;
}

/** JSON with sorted keys, so that equal inputs give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Installs mocks that answer like AWS enough for the environments, and counts what registers. */
export async function installCensusMocks(options: { fingerprint: boolean }): Promise<() => Census> {
  let custom = 0;
  let components = 0;
  const customByType: Record<string, number> = {};
  const componentsByType: Record<string, number> = {};
  const fingerprints: Record<string, string> = {};
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.custom) custom++;
        else components++;
        const byType = args.custom ? customByType : componentsByType;
        byType[args.type] = (byType[args.type] ?? 0) + 1;
        if (options.fingerprint && args.custom) {
          const text = `${args.provider ?? ""}\n${stableJson(args.inputs)}`;
          fingerprints[`${args.type}::${args.name}`] = createHash("sha256").update(text).digest("hex");
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:bench:${args.name}`, dnsName: `${args.name}.elb`, zoneId: "ZBENCH" } };
      },
      call: (args) => args.inputs,
    },
    "switchyard",
    "bench",
    false,
  );
  return () => ({
    custom,
    components,
    customByType: { ...customByType },
    componentsByType: { ...componentsByType },
    fingerprints: options.fingerprint ? { ...fingerprints } : undefined,
  });
}

/**
 * Pure: whether two builds constructed the same cloud resources, and if not, why not in words:
 * the types whose counts differ and, with fingerprints, each resource missing or built differently.
 */
export function compareCensus(a: { label: string; census: Census }, b: { label: string; census: Census }): { same: boolean; lines: string[] } {
  const lines: string[] = [];
  const count = (c: Census, t: string) => c.customByType[t] ?? 0;
  const types = [...new Set([...Object.keys(a.census.customByType), ...Object.keys(b.census.customByType)])].sort();
  const differing = types.filter((t) => count(a.census, t) !== count(b.census, t));
  for (const t of differing) lines.push(`  ${t}: ${a.label} ${count(a.census, t)}, ${b.label} ${count(b.census, t)}`);
  if (a.census.custom !== b.census.custom) lines.push(`  cloud resources: ${a.label} ${a.census.custom}, ${b.label} ${b.census.custom}`);
  const fa = a.census.fingerprints;
  const fb = b.census.fingerprints;
  if (fa && fb) {
    const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
    for (const key of keys) {
      if (!(key in fb)) lines.push(`  ${key}: only in ${a.label}`);
      else if (!(key in fa)) lines.push(`  ${key}: only in ${b.label}`);
      else if (fa[key] !== fb[key]) lines.push(`  ${key}: provider or inputs differ`);
    }
  }
  return { same: lines.length === 0, lines };
}

