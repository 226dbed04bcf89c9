/**
 * Dynamic provider of a workload process: one slot of the sample service on loopback. `read`
 * reports what really serves (process, port, the version that answers), so that anything done
 * behind Pulumi's back shows up as a changed property on refresh, and an update restarts it.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as pulumi from "@pulumi/pulumi";
import { httpGet } from "./http-probe";
import { holdsPort, processState, type ProcessState } from "./procfs";
import { isRunning, startDetached, stopProcess, waitFor } from "./processes";
import { changedKeys, newKeysOnlyWhenFaulty } from "./dynamic";

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
  /** The region of a two-region stack, echoed in the service's answers; absent for one region. */
  readonly region?: string;
}

/** What answers `GET /healthz` on the workload's address and port; null when nothing does. */
export interface HealthAnswer {
  readonly version: string;
  readonly slot: string;
}

export interface WorkloadOutputs extends WorkloadInputs {
  readonly pid: number;
  readonly url: string;
  /** Read back: is process `pid` (with this workload's marker) running, stopped or gone? */
  readonly process: ProcessState;
  /** Read back: process `pid` itself holds a socket listening on address:port. */
  readonly listening: boolean;
  /** Read back: the version and slot that answer on address:port, whoever answers. */
  readonly answers: HealthAnswer | null;
}

const REPLACING_KEYS = ["service", "slot", "version", "address", "port", "failureRate", "latencyMs", "runDir", "entry", "node", "region"] as const;
const START_TIMEOUT_MS = 15_000;

/** A command-line marker that ties a pid to this workload; pids alone get reused. */
export const workloadMarker = (w: Pick<WorkloadInputs, "service" | "slot" | "port">) =>
  `--switchyard-workload=${w.service}/${w.slot}/${w.port}`;

const urlOf = (w: WorkloadInputs) => `http://${w.address}:${w.port}`;

/** One /healthz answer as the sample service gives it; null for anything else. */
export function healthAnswerOf(res: { status: number; body: string } | undefined): HealthAnswer | null {
  if (res?.status !== 200) return null;
  try {
    const body = JSON.parse(res.body) as { version?: unknown; slot?: unknown };
    return typeof body.version === "string" && typeof body.slot === "string" ? { version: body.version, slot: body.slot } : null;
  } catch {
    return null;
  }
}

async function probe(w: WorkloadInputs, timeoutMs: number): Promise<HealthAnswer | null> {
  return healthAnswerOf(await httpGet(`${urlOf(w)}/healthz`, timeoutMs));
}

const expectedAnswer = (w: WorkloadInputs): HealthAnswer => ({ version: w.version, slot: w.slot });
// Field by field: state may hand the object back with its keys in another order.
const sameAnswer = (a: HealthAnswer | null | undefined, b: HealthAnswer) => a?.version === b.version && a?.slot === b.slot;
const answersAs = async (w: WorkloadInputs) => sameAnswer(await probe(w, 1000), expectedAnswer(w));

/** A second chance, so that a busy machine's slow answer is not reported as drift. */
const PROBE_TIMEOUT_MS = 3000;
const PROBE_ATTEMPTS = 2;

/** What runs: the process, whether it holds its port, and what answers on that port. */
export async function readBack(props: WorkloadOutputs): Promise<WorkloadOutputs> {
  const state = processState(props.pid, workloadMarker(props));
  const listening = state !== "gone" && holdsPort(props.pid, props.address, props.port);
  let answers: HealthAnswer | null = null;
  // A stopped process holds the port and answers nothing: no need to wait for the probe to time out.
  const probes = state === "stopped" && listening ? 0 : PROBE_ATTEMPTS;
  for (let attempt = 0; attempt < probes && answers === null; attempt++) answers = await probe(props, PROBE_TIMEOUT_MS);
  const found: WorkloadOutputs = { ...props, process: state, listening, answers };
  return newKeysOnlyWhenFaulty(props, found, { process: "running", listening: true, answers: expectedAnswer(props) });
}

/** Why an update must restart the workload. A missing read-back value (older state) is no reason. */
export function restartReasons(olds: Partial<WorkloadOutputs>, news: WorkloadInputs): string[] {
  const reasons: string[] = [];
  if (olds.process !== undefined && olds.process !== "running") reasons.push("process");
  if (olds.listening === false) reasons.push("listening");
  if (olds.answers !== undefined && !sameAnswer(olds.answers, expectedAnswer(news))) reasons.push("answers");
  return reasons;
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
      ...(inputs.region ? { SWITCHYARD_REGION: inputs.region } : {}),
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
  return { ...inputs, pid, url: urlOf(inputs), process: "running", listening: true, answers: expectedAnswer(inputs) };
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WorkloadInputs) {
    const outs = await start(inputs);
    return { id: `${inputs.service}-${inputs.slot}-${outs.pid}`, outs };
  },

  async read(id: string, props: WorkloadOutputs) {
    // The resource stays in state when its process is gone: a failed restart must not forget it.
    return { id, props: await readBack(props) };
  },

  async diff(_id: string, olds: WorkloadOutputs, news: WorkloadInputs) {
    const replaces = changedKeys<WorkloadInputs>(olds, news, REPLACING_KEYS) as string[];
    const restart = restartReasons(olds, news);
    // Same port before and after: the old process must stop before the new one can listen.
    return { changes: replaces.length + restart.length > 0, replaces, deleteBeforeReplace: true };
  },

  async update(_id: string, olds: WorkloadOutputs, news: WorkloadInputs) {
    // A stopped process cannot run its SIGTERM handler: it is killed outright.
    const stopped = processState(olds.pid, workloadMarker(olds)) === "stopped";
    await stopProcess(olds.pid, workloadMarker(olds), stopped ? "SIGKILL" : "SIGTERM", stopped ? 0 : 5000);
    return { outs: await start(news) };
  },

  async delete(_id: string, props: WorkloadOutputs) {
    await stopProcess(props.pid, workloadMarker(props), "SIGTERM", 5000);
  },
};
