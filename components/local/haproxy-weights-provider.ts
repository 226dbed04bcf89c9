/**
 * Dynamic provider of the traffic weights of one HAProxy backend. Weights change through the
 * runtime API, which drops no connection; each change is read back, and the live server state
 * is saved where HAProxy reloads it from on restart.
 */
import { writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, newKeysOnlyWhenFaulty } from "./dynamic";
import { dumpServerState, enableHealthChecks, readServers, readServerStates, runtimeCommand, setAdminState, setWeight, type AdminState, type HealthChecks } from "./runtime-api";

export interface HaproxyWeightsInputs {
  readonly socketPath: string;
  readonly stateFile: string;
  readonly backend: string;
  /** Server name → weight 0..100. */
  readonly weights: Readonly<Record<string, number>>;
  /** Server name → desired administrative state; always "ready" from the components. */
  readonly adminState: Readonly<Record<string, AdminState>>;
  /** The HAProxy process these weights live in; a new process means the weights must be applied again. */
  readonly instancePid: number;
}

/** Read back only: whether each server is health-checked (the configuration always checks them). */
interface HaproxyWeightsOutputs extends HaproxyWeightsInputs {
  readonly healthChecks?: Readonly<Record<string, HealthChecks>>;
}

const allChecked = (servers: readonly string[]) => Object.fromEntries(servers.map((server) => [server, "enabled" as const]));

const REPLACING_KEYS = ["socketPath", "backend"] as const;
const UPDATING_KEYS = ["weights", "adminState", "instancePid", "stateFile"] as const;

async function apply(inputs: HaproxyWeightsInputs): Promise<HaproxyWeightsOutputs> {
  const servers = Object.keys(inputs.weights);
  // Raise before lowering, so that the sum of weights never passes through zero mid-change.
  const order = [...servers].sort((a, b) => inputs.weights[b]! - inputs.weights[a]!);
  for (const server of order) {
    await setAdminState(inputs.socketPath, inputs.backend, server, inputs.adminState[server] ?? "ready");
    // A check disabled by hand would keep a server forced DOWN for good.
    await enableHealthChecks(inputs.socketPath, inputs.backend, server);
    await setWeight(inputs.socketPath, inputs.backend, server, inputs.weights[server]!);
  }
  const live = await readServers(inputs.socketPath, inputs.backend, servers);
  for (const server of servers) {
    if (live[server]!.weight !== inputs.weights[server]) {
      throw new Error(`HAProxy ${inputs.backend}/${server} reports weight ${live[server]!.weight} after it was set to ${inputs.weights[server]}`);
    }
  }
  writeFileSync(inputs.stateFile, await dumpServerState(inputs.socketPath, inputs.backend));
  return { ...inputs, healthChecks: allChecked(servers) };
}

/**
 * What serves now: each server's weight and admin state, and which HAProxy process answers on
 * the socket. The resource stays in state when no HAProxy answers (instancePid 0): dropping it
 * would let a failed repair forget it. The weights are then unknown and left as state has them;
 * the instance's own read-back names the dead process.
 */
export async function readBack(props: HaproxyWeightsOutputs): Promise<HaproxyWeightsOutputs> {
  let pid: number;
  let live: Awaited<ReturnType<typeof readServerStates>>;
  try {
    pid = pidOf(await runtimeCommand(props.socketPath, "show info", READ_TIMEOUT_MS));
    live = await readServerStates(props.socketPath, props.backend, Object.keys(props.weights), READ_TIMEOUT_MS);
  } catch {
    return { ...props, instancePid: 0 };
  }
  const weights = Object.fromEntries(Object.entries(live).map(([name, view]) => [name, view.weight]));
  const adminState = Object.fromEntries(Object.entries(live).map(([name, view]) => [name, view.adminState]));
  const healthChecks = Object.fromEntries(Object.entries(live).map(([name, view]) => [name, view.checks]));
  // State from before this read-back has no healthChecks: it shows only when one is off.
  return newKeysOnlyWhenFaulty(props, { ...props, weights, adminState, instancePid: pid, healthChecks }, { healthChecks: allChecked(Object.keys(live)) });
}

const READ_TIMEOUT_MS = 3000;

/** The `Pid:` line of `show info`; 0 when there is none. */
export function pidOf(info: string): number {
  return Number(/^Pid:\s*(\d+)/m.exec(info)?.[1] ?? 0);
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: HaproxyWeightsInputs) {
    return { id: `${inputs.backend}@${inputs.socketPath}`, outs: await apply(inputs) };
  },

  async read(id: string, props: HaproxyWeightsInputs) {
    return { id, props: await readBack(props) };
  },

  async diff(_id: string, olds: HaproxyWeightsOutputs, news: HaproxyWeightsInputs) {
    const replaces = changedKeys(olds, news, REPLACING_KEYS) as string[];
    const updates = changedKeys(olds, news, UPDATING_KEYS);
    // Read back, never declared: a check found disabled is put back by an update.
    const checksOff = Object.values(olds.healthChecks ?? {}).some((state) => state !== "enabled");
    return { changes: replaces.length + updates.length > 0 || checksOff, replaces };
  },

  async update(_id: string, _olds: HaproxyWeightsInputs, news: HaproxyWeightsInputs) {
    return { outs: await apply(news) };
  },

  // Weights live and die with their HAProxy process; there is nothing to undo here.
  async delete() {},
};
