/**
 * `switchyard:local`: the local target's block. One region (`address` + `ports`, as every local
 * stack had) or two (`front` + `regions`): each region a full blue/green environment of its own on
 * its own loopback address, a front HAProxy routing across them like global DNS. Pure: the rules
 * that look at the whole block are small functions with their own tests.
 */
import { z } from "zod";
import { secretable } from "../secrets/schema";
import type { RegionPair } from "./dr";

const port = z.number().int("must be a whole number").min(1024, "must be 1024 or above (no root needed)").max(65535, "must be at most 65535");

/** On Linux all of 127/8 reaches the loopback interface: distinct addresses need no set-up. */
const loopback = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, "must be a loopback address (127.x.y.z)");

const slotPorts = z.strictObject({ listen: port, blue: port, green: port });

/** The front's run files live beside the regions' (`<runDir>/front`): no region may take that name. */
export const FRONT_DIR = "front";

const REGION_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/**
 * Why a region name cannot be used, or undefined: it names an HAProxy server, a run dir and a
 * stack output key. Checked here rather than as the record's key schema, whose issues zod
 * reports only as "Invalid key in record".
 */
export function regionNameProblem(name: string): string | undefined {
  if (!REGION_NAME.test(name)) return "is not a short lowercase name (letters, digits, '-', 2 to 32 characters), e.g. east";
  if (name === FRONT_DIR) return `names the global front's files (<runDir>/${FRONT_DIR}); choose another name`;
  return undefined;
}

const regionSchema = z.strictObject({
  /** The region's own loopback address: its HAProxy and workloads listen there. */
  address: loopback,
  ports: slotPorts,
  /** Latency added to every answer of this region's slots (on top of each slot's latencyMs): a slow region, for DR tests. @default 0 */
  latencyMs: z.number().int("must be whole milliseconds").min(0, "must be 0 or more").max(60_000, "must be at most 60000").optional(),
  /**
   * The region's PostgreSQL server of a replicated store (give both regions one, or neither):
   * a failover promotes the standby's, a failback switches back (components/local/data-primary-provider.ts).
   */
  store: z
    .strictObject({
      /** A superuser postgres:// URL on loopback; keep it a secret (pulumi config set --path --secret). */
      url: secretable(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
      /** The server's data directory: needed to demote it in a planned switchover (failback). */
      dataDir: z.string().min(1).optional(),
    })
    .optional(),
});

export type LocalRegion = z.output<typeof regionSchema>;

const rawLocalSchema = z.strictObject({
  /** One region: the loopback address everything listens on. @default "127.0.0.1" */
  address: loopback.optional(),
  /** One region: HAProxy's port and each slot's. */
  ports: slotPorts.optional(),
  /** Two regions: the global routing HAProxy clients use. */
  front: z.strictObject({ address: loopback.default("127.0.0.1"), port }).optional(),
  /**
   * Two regions, each a blue/green environment on its own address, listed in alphabetical order
   * (the engine sorts a map's keys on the way to the program); the first is the home region.
   */
  regions: z.record(z.string(), regionSchema).optional(),
  /** Folder for HAProxy's files and the workloads' logs; relative to the project. Default: .switchyard/run/<stack>. */
  runDir: z.string().min(1).optional(),
});

type RawLocal = z.output<typeof rawLocalSchema>;

export interface LocalProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** One form or the other, complete: the two-region form replaces address and ports. */
export function formProblems(block: RawLocal): LocalProblem[] {
  const problems: LocalProblem[] = [];
  if (block.regions === undefined) {
    if (block.ports === undefined) problems.push({ path: ["ports"], message: "is required (or declare two regions with front and regions)" });
    if (block.front !== undefined) problems.push({ path: ["front"], message: "routes across regions: declare regions beside it, or remove it" });
    return problems;
  }
  for (const key of ["address", "ports"] as const) {
    if (block[key] !== undefined) problems.push({ path: [key], message: "belongs to the one-region form: with regions, each region has its own address and ports" });
  }
  if (block.front === undefined) problems.push({ path: ["front"], message: "is required with regions: the address and port clients use" });
  const names = Object.keys(block.regions);
  for (const name of names) {
    const problem = regionNameProblem(name);
    if (problem) problems.push({ path: ["regions", name], message: problem });
  }
  if (names.length !== 2) problems.push({ path: ["regions"], message: `must declare exactly two regions, home first (found ${names.length})` });
  // The engine hands a map to the program with its keys sorted: an order the file gives otherwise
  // would make the driver and the program disagree on the home region.
  const sorted = [...names].sort();
  if (names.length === 2 && names[0] !== sorted[0]) {
    problems.push({ path: ["regions"], message: `lists ${names[0]} before ${names[1]}: list them in alphabetical order (${sorted.join(", ")}), which is the order the engine keeps; the first is the home region, and switchyard:dr.primary names the one that serves` });
  }
  // A region's faults (its address blocked, its network cut) must not reach the other.
  const [a, b] = Object.values(block.regions);
  if (names.length === 2 && a!.address === b!.address) problems.push({ path: ["regions", names[1]!, "address"], message: `is ${a!.address}, as region ${names[0]} has: each region needs its own address` });
  return problems;
}

/** Every address:port the block listens on, named by what listens there. */
export function listeners(block: RawLocal): { what: string; address: string; port: number }[] {
  const found: { what: string; address: string; port: number }[] = [];
  if (block.ports) {
    for (const [role, p] of Object.entries(block.ports)) found.push({ what: `ports.${role}`, address: block.address ?? "127.0.0.1", port: p });
  }
  if (block.front) found.push({ what: "front", address: block.front.address, port: block.front.port });
  for (const [name, region] of Object.entries(block.regions ?? {})) {
    for (const [role, p] of Object.entries(region.ports)) found.push({ what: `regions.${name}.ports.${role}`, address: region.address, port: p });
  }
  return found;
}

/** Two listeners on one address:port would fight for it: the second process could never start. */
export function clashProblems(block: RawLocal): LocalProblem[] {
  // The one-region form keeps the message it always had.
  if (block.regions === undefined && block.front === undefined) {
    const p = block.ports;
    return p && new Set([p.listen, p.blue, p.green]).size !== 3 ? [{ path: ["ports"], message: "listen, blue and green ports must all differ" }] : [];
  }
  const seen = new Map<string, string>();
  const problems: LocalProblem[] = [];
  for (const l of listeners(block)) {
    const key = `${l.address}:${l.port}`;
    const first = seen.get(key);
    if (first) problems.push({ path: l.what.split("."), message: `listens on ${key}, as ${first} does: every address:port must differ` });
    else seen.set(key, l.what);
  }
  return problems;
}

export const localSchema = rawLocalSchema
  .superRefine((block, ctx) => {
    for (const problem of [...formProblems(block), ...clashProblems(block)]) {
      ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
    }
  })
  // Checked above: the block is one form or the other, complete.
  .transform((block): LocalBlock => (block.regions === undefined ? ({ ...block, address: block.address ?? "127.0.0.1" } as OneRegionBlock) : (block as TwoRegionBlock)));

type SlotPorts = z.output<typeof slotPorts>;

/** The one-region form, as every local stack had it. */
export interface OneRegionBlock {
  readonly address: string;
  readonly ports: SlotPorts;
  readonly runDir?: string;
  readonly front?: undefined;
  readonly regions?: undefined;
}

/** The two-region form: a front HAProxy across two full environments. */
export interface TwoRegionBlock {
  readonly front: { readonly address: string; readonly port: number };
  readonly regions: Readonly<Record<string, LocalRegion>>;
  readonly runDir?: string;
  readonly address?: undefined;
  readonly ports?: undefined;
}

export type LocalBlock = OneRegionBlock | TwoRegionBlock;

/** The two regions of the block, home (alphabetically first) first; undefined for the one-region form. */
export function localRegionPair(block: Pick<RawLocal, "regions">): RegionPair | undefined {
  const names = Object.keys(block.regions ?? {}).sort();
  return names.length === 2 ? [names[0]!, names[1]!] : undefined;
}

/** How to fix each kind of problem of the block (merged into FIXES of model/config/stack.ts). */
export const LOCAL_FIXES: Readonly<Record<string, string>> = {
  local: "add a switchyard:local block with ports { listen, blue, green } (see stacks/Pulumi.local.yaml), or front and two regions (see stacks/Pulumi.local-dr.yaml)",
  "local.ports": "choose three different free ports from 1024 to 65535",
  "local.address": "use a loopback address such as 127.0.0.1 (one region); with regions, remove it: each region has its own",
  "local.front": "give front { address, port } beside two regions (see stacks/Pulumi.local-dr.yaml), or remove it for one region",
  "local.regions": "declare exactly two regions in alphabetical order (the first is home), each { address: 127.x.y.z, ports: { listen, blue, green } } (see stacks/Pulumi.local-dr.yaml)",
};
