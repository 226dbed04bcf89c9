/**
 * A two-region local stack with a replicated PostgreSQL store, its faults and their repairs, for
 * the DR end-to-end tests and the RTO benchmark. Each fault acts on the primary region's real
 * parts (processes, HAProxy, its address, its latency); each repair brings them back the way an
 * operator would (a deploy, a re-seeded replica).
 */
import { execFileSync } from "node:child_process";
import { httpGet } from "../../components/local/http-probe";
import { isRunning, waitFor } from "../../components/local/processes";
import type { StackOutputs } from "../../model/outputs";
import { startReplicatedPostgres, type ReplicatedPostgres } from "./pg-replica";
import { freePorts } from "./ports";
import { createTestProject, runPlainPulumi, type TestProject } from "./project";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const FAULTS = ["processes-killed", "haproxy-stopped", "network-cut", "slow"] as const;
export type Fault = (typeof FAULTS)[number];

export interface DrStack {
  readonly project: TestProject;
  readonly pg: ReplicatedPostgres;
  readonly addresses: { readonly east: string; readonly west: string };
  /** Rewrites the stack file; `east` adds settings to the east region (a fault's latency). */
  writeConfig(overrides?: Record<string, unknown>, east?: Record<string, unknown>): void;
  outputs(): Promise<StackOutputs>;
  /** The region each of `n` answers through the front came from, counted. */
  regionsAnswering(n?: number): Promise<Record<string, number>>;
  cleanup(): Promise<void>;
}

/** Addresses of their own per test file (a `local-dr` stack deployed on this machine is left alone). */
export async function createDrStack(name: string, addresses: { east: string; west: string }): Promise<DrStack> {
  const project = await createTestProject(name);
  const [front, ...ports] = (await freePorts(7)) as number[];
  const pg = await startReplicatedPostgres({ primary: { address: addresses.east, name: "east" }, replica: { address: addresses.west, name: "west" }, synchronous: true });
  // The stores' URLs hold a password: a secret in the stack file, as a user keeps it.
  const urls: Record<"east" | "west", unknown> = { east: "postgres://placeholder", west: "postgres://placeholder" };
  const region = (address: string, [listen, blue, green]: number[], store: { url: unknown; dataDir: string }) => ({ address, ports: { listen, blue, green }, store });
  const writeConfig = (overrides: Record<string, unknown> = {}, east: Record<string, unknown> = {}) =>
    project.writeConfig({
      active: "blue",
      rollout: { strategy: "canary", steps: [50, 100], bake: "1s" },
      analysis: { metrics: [{ name: "smoke", provider: { type: "http", path: "/" }, interval: "1s", count: 2, successCondition: { max: 500 } }] },
      dr: { primary: "east", failover: { bake: "1s" }, watch: { interval: "1s", failureLimit: 3 }, drill: { share: 50, hold: "2s" }, objectives: { rpoSeconds: 0, rtoSeconds: 10 } },
      local: {
        front: { address: "127.0.0.1", port: front },
        regions: {
          east: { ...region(addresses.east, ports.slice(0, 3), { url: urls.east, dataDir: pg.dataDirs.primary }), ...east },
          west: region(addresses.west, ports.slice(3, 6), { url: urls.west, dataDir: pg.dataDirs.replica }),
        },
        runDir: project.runDir,
      },
      ...overrides,
    } as never);
  writeConfig();
  await project.open();
  for (const [name, url] of [["east", pg.urls.primary], ["west", pg.urls.replica]] as const) {
    const set = await runPlainPulumi(["config", "set", "--secret", "--path", `switchyard:local.regions.${name}.store.url`, url, "--stack", project.stackName, "--cwd", project.workDir, "--non-interactive"], project.env);
    if (set.code !== 0) throw new Error(`config set --secret failed: ${set.stderr}`);
  }
  const written = parse(readFileSync(path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`), "utf8")) as { config: Record<string, { regions: Record<string, { store: { url: unknown } }> }> };
  urls.east = written.config["switchyard:local"]!.regions.east!.store.url;
  urls.west = written.config["switchyard:local"]!.regions.west!.store.url;
  if (JSON.stringify(urls).includes(new URL(pg.urls.primary).password)) throw new Error("the stores' URLs were not encrypted");
  const outputs = async () => {
    const raw = await (await project.open()).run("outputs", (s) => s.outputs());
    return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value.value])) as StackOutputs;
  };
  return {
    project,
    pg,
    addresses,
    writeConfig,
    outputs,
    async regionsAnswering(n = 10) {
      const endpoint = (await outputs()).endpoint!;
      const seen: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const res = await httpGet(`${endpoint}/`);
        const region = res?.status === 200 ? ((JSON.parse(res.body) as { region?: string }).region ?? "none") : `HTTP ${res?.status ?? "no answer"}`;
        seen[region] = (seen[region] ?? 0) + 1;
      }
      return seen;
    },
    async cleanup() {
      unblock(addresses.east);
      await project.cleanup().catch(() => undefined);
      await pg.stop();
    },
  };
}

/** The pids of the region's HAProxy and workloads, from state (their listen address). */
async function regionPids(stack: DrStack, address: string): Promise<{ haproxy: number[]; workloads: number[] }> {
  const state = await (await stack.project.open()).run("export", (s) => s.exportStack());
  const resources = (state.deployment.resources ?? []) as { type: string; outputs?: Record<string, unknown> }[];
  const pids = (type: string, key: string) => resources.filter((r) => r.type.endsWith(type) && r.outputs?.[key] === address).map((r) => Number(r.outputs!.pid));
  return { haproxy: pids(":HaproxyInstance", "listenAddress"), workloads: pids(":Workload", "address") };
}

function block(address: string): void {
  execFileSync("ip", ["route", "add", "blackhole", `${address}/32`, "table", "local"]);
}

function unblock(address: string): void {
  try {
    execFileSync("ip", ["route", "del", "blackhole", `${address}/32`, "table", "local"], { stdio: "ignore" });
  } catch {
    // Not blocked.
  }
}

/** Whether this machine lets the tests cut an address (root, `ip` present). */
export function canCutNetwork(): boolean {
  return process.getuid?.() === 0 && (() => {
    try {
      execFileSync("ip", ["route", "show", "table", "local"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
}

/** Breaks the east (primary) region; its store's server crashes with it except when only the network is slow. */
export async function injectFault(stack: DrStack, fault: Fault): Promise<void> {
  const { haproxy, workloads } = await regionPids(stack, stack.addresses.east);
  switch (fault) {
    case "processes-killed":
      for (const pid of [...haproxy, ...workloads]) process.kill(pid, "SIGKILL");
      await stack.pg.kill("primary");
      return;
    case "haproxy-stopped":
      for (const pid of haproxy) process.kill(pid, "SIGTERM");
      await waitFor(() => haproxy.every((pid) => !isRunning(pid, "haproxy")), 10_000);
      await stack.pg.kill("primary");
      return;
    case "network-cut":
      block(stack.addresses.east);
      await stack.pg.kill("primary");
      return;
    case "slow": {
      // A full update with the east region's answers 1.5 s late: over the smoke metric's 500 ms.
      stack.writeConfig({}, { latencyMs: 1500 });
      const result = await stack.project.cli("deploy", "--json", "--yes");
      if (result.code !== 0) throw new Error(`the slow-region deploy failed: ${result.stderr}`);
      await stack.pg.kill("primary");
      return;
    }
  }
}

/** Undoes the fault: east serves again as a standby, and its store streams from west's. */
export async function repairFault(stack: DrStack, fault: Fault): Promise<void> {
  if (fault === "network-cut") unblock(stack.addresses.east);
  if (fault === "slow") stack.writeConfig();
  const result = await stack.project.cli("deploy", "--json", "--yes");
  if (result.code !== 0) throw new Error(`the repairing deploy failed (exit ${result.code}): ${result.stderr}`);
  await stack.pg.reseed("primary", stack.pg.urls.replica, true);
}
