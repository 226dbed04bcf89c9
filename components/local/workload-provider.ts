/**
 * Dynamic provider of a workload process: one slot of the sample service on loopback. `read`
 * reports what really runs, so a process killed behind Pulumi's back shows up as deleted on refresh.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as pulumi from "@pulumi/pulumi";
import { httpGet } from "./http-probe";
import { isRunning, startDetached, stopProcess, waitFor } from "./processes";
import { changedKeys } from "./dynamic";

export interface WorkloadInputs {
  readonly service: string;
  readonly slot: string;
  readonly version: string;
  readonly address: string;
  readonly port: number;
  readonly failureRate: number;
  readonly latencyMs: number;
  /** Folder for the process's log. */
  readonly runDir: string;
  /** The service's entry module and the Node.js that runs it. */
  readonly entry: string;
  readonly node: string;
}

export interface WorkloadOutputs extends WorkloadInputs {
  readonly pid: number;
  readonly url: string;
}

const REPLACING_KEYS = ["service", "slot", "version", "address", "port", "failureRate", "latencyMs", "runDir", "entry", "node"] as const;
const START_TIMEOUT_MS = 15_000;

/** A command-line marker that ties a pid to this workload; pids alone get reused. */
export const workloadMarker = (w: Pick<WorkloadInputs, "service" | "slot" | "port">) =>
  `--switchyard-workload=${w.service}/${w.slot}/${w.port}`;

const urlOf = (w: WorkloadInputs) => `http://${w.address}:${w.port}`;

async function answersAs(w: WorkloadInputs): Promise<boolean> {
  const res = await httpGet(`${urlOf(w)}/healthz`, 1000);
  if (res?.status !== 200) return false;
  try {
    return (JSON.parse(res.body) as { version?: string }).version === w.version;
  } catch {
    return false;
  }
}

async function start(inputs: WorkloadInputs): Promise<WorkloadOutputs> {
  mkdirSync(inputs.runDir, { recursive: true });
  const logFile = path.join(inputs.runDir, `${inputs.service}-${inputs.slot}.log`);
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  const marker = workloadMarker(inputs);
  const pid = startDetached({
    command: inputs.node,
    args: ["--import", tsx, inputs.entry, marker],
    env: {
      PORT: String(inputs.port),
      HOST: inputs.address,
      SERVICE_NAME: inputs.service,
      SERVICE_VERSION: inputs.version,
      SLOT: inputs.slot,
      FAILURE_RATE: String(inputs.failureRate),
      LATENCY_MS: String(inputs.latencyMs),
    },
    cwd: path.dirname(inputs.entry),
    logFile,
  });
  let exited = false;
  // A process that exits (its port was taken, say) will never answer: stop waiting at once.
  const up = await waitFor(async () => (exited = !isRunning(pid, marker)) || (await answersAs(inputs)), START_TIMEOUT_MS, 100);
  if (!up || exited) {
    await stopProcess(pid, marker, "SIGKILL", 0);
    throw new Error(
      `workload ${inputs.service}/${inputs.slot} (version ${inputs.version}) ${exited ? "exited before it answered" : `did not answer within ${START_TIMEOUT_MS / 1000} s`} on ${urlOf(inputs)}/healthz; ` +
        `is port ${inputs.port} free? See ${logFile}`,
    );
  }
  return { ...inputs, pid, url: urlOf(inputs) };
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WorkloadInputs) {
    const outs = await start(inputs);
    return { id: `${inputs.service}-${inputs.slot}-${outs.pid}`, outs };
  },

  async read(id: string, props: WorkloadOutputs) {
    if (!isRunning(props.pid, workloadMarker(props))) return { id: undefined as unknown as string, props: {} };
    return { id, props };
  },

  async diff(_id: string, olds: WorkloadOutputs, news: WorkloadInputs) {
    const replaces = changedKeys<WorkloadInputs>(olds, news, REPLACING_KEYS) as string[];
    // Same port before and after: the old process must stop before the new one can listen.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },

  async update(_id: string, olds: WorkloadOutputs) {
    return { outs: olds };
  },

  async delete(_id: string, props: WorkloadOutputs) {
    await stopProcess(props.pid, workloadMarker(props), "SIGTERM", 5000);
  },
};
