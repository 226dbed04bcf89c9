/**
 * Gathers the observations of one deployed stack: what state and its outputs declare, and what
 * really answers. The local target is read through HAProxy's runtime API, /proc and each slot's
 * own endpoint; a cloud target through its public endpoint (at its declared health path) alone.
 */
import { workloadMarker } from "../../components/local/workload-provider";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { pendingOperations } from "../recovery/pending";
import type { Answer, KubernetesObservation, Observations, ProcessObservation } from "./model";
import type { KubernetesOutputs } from "../../model/outputs";
import { readLiveWeights } from "../routers/data-plane";
import { observeKubernetes } from "./kubernetes";
import { digestOnDisk, getAnswer, probeEndpoint, probeProxy, processAlive, readFileBackendLock, type EngineLock } from "./probes";

/** The stack outputs the health check reads (see stacks/program.ts). */
export interface HealthOutputs {
  readonly target?: string;
  readonly endpoint?: string;
  readonly weights?: Weights;
  readonly slots?: Partial<Record<Slot, { version?: string; endpoint?: string }>>;
  readonly trafficSocket?: string;
  readonly trafficBackend?: string;
  readonly trafficMechanism?: string;
  readonly capacities?: Partial<Record<Slot, number>>;
  readonly kubernetes?: KubernetesOutputs;
}

/** The slice of an exported state the health check reads: local processes and pending operations. */
export interface ExportedState {
  readonly deployment?: {
    readonly resources?: ReadonlyArray<{ readonly type?: string; readonly outputs?: Record<string, unknown> }>;
    readonly pending_operations?: ReadonlyArray<{ type?: string; resource?: { urn?: string; type?: string } }>;
  };
}

export interface CollectInput {
  readonly outputs: HealthOutputs;
  /** The state export; without it processes and pending operations are not checked. */
  readonly state?: ExportedState;
  /** Weights of a rollout in progress. */
  readonly rollout?: Observations["rollout"];
  /** A cloud target's declared health check path, probed on its endpoint. */
  readonly healthPath?: string;
  /** Where the engine's lock lives; omit to skip the lock check (deploy holds it itself). */
  readonly lock?: { readonly backendUrl: string; readonly project: string; readonly stack: string };
  /** Requests sent to the public endpoint. */
  readonly requests?: number;
}

/** The effects, replaceable in tests. */
export interface Probes {
  /** The digest of a file as the local target computes it, "missing" when there is none. */
  fileDigest(path: string): string;
  endpoint(url: string, count: number): Promise<Answer[]>;
  get(url: string): Promise<Answer>;
  proxy(socketPath: string, backend: string): ReturnType<typeof probeProxy>;
  alive(pid: number | undefined, marker: string): boolean;
  lock(backendUrl: string, project: string, stack: string): { checked: boolean; lock?: EngineLock };
  /** A cloud target's live weights through its mechanism's read-back (undefined: cannot be read from here). */
  liveWeights?(outputs: HealthOutputs): Promise<Weights | undefined>;
  /** The Kubernetes target's objects, from the API server. */
  kubernetes?(names: KubernetesOutputs): Promise<KubernetesObservation>;
}

export const realProbes: Probes = {
  fileDigest: digestOnDisk,
  endpoint: probeEndpoint,
  get: getAnswer,
  proxy: probeProxy,
  alive: processAlive,
  lock: readFileBackendLock,
  liveWeights: ({ trafficMechanism, kubernetes }) => readLiveWeights({ trafficMechanism, kubernetes }),
  kubernetes: (names) => observeKubernetes(names),
};

const WORKLOAD_TYPE = "pulumi-nodejs:dynamic/local:Workload";
const HAPROXY_TYPE = "pulumi-nodejs:dynamic/local:HaproxyInstance";

function resourcesOf(state: ExportedState | undefined, type: string) {
  return (state?.deployment?.resources ?? []).filter((r) => r.type === type).map((r) => r.outputs ?? {});
}

/** A URL for a host name or URL output; cloud outputs are often a bare DNS name. */
export function urlOf(endpoint: string, pathName = "/"): string {
  const base = /^https?:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`;
  return `${base.replace(/\/+$/, "")}${pathName.startsWith("/") ? pathName : `/${pathName}`}`;
}

function localProcesses(state: ExportedState | undefined, probes: Probes, running: readonly Slot[]) {
  const workloads = resourcesOf(state, WORKLOAD_TYPE);
  const processes: Partial<Record<Slot, ProcessObservation>> = {};
  for (const slot of running) {
    const outs = workloads.find((w) => w.slot === slot);
    const pid = typeof outs?.pid === "number" ? outs.pid : undefined;
    const alive = outs !== undefined && probes.alive(pid, workloadMarker({ service: String(outs.service), slot, port: Number(outs.port) }));
    processes[slot] = { pid, alive };
  }
  const haproxy = resourcesOf(state, HAPROXY_TYPE)[0];
  const haproxyPid = typeof haproxy?.pid === "number" ? haproxy.pid : undefined;
  const proxyProcess: ProcessObservation = { pid: haproxyPid, alive: haproxy !== undefined && probes.alive(haproxyPid, String(haproxy.configPath)) };
  // State from before read-back has no digest to compare with.
  const declaredDigest = typeof haproxy?.configDigest === "string" && haproxy.configDigest !== "missing" ? haproxy.configDigest : undefined;
  const onDisk = declaredDigest ? probes.fileDigest(String(haproxy!.configPath)) : undefined;
  const proxyConfig = onDisk
    ? { path: String(haproxy!.configPath), found: onDisk === "missing" ? ("missing" as const) : onDisk === declaredDigest ? ("as-declared" as const) : ("differs" as const) }
    : undefined;
  return { processes, proxyProcess, proxyConfig };
}

export async function collectObservations(input: CollectInput, probes: Probes = realProbes): Promise<Observations> {
  const { outputs } = input;
  const target = outputs.target ?? "unknown";
  const local = target === "local";
  // A scaled-down slot has no workload, and its endpoint output is empty.
  const running = SLOTS.filter((slot) => (local ? Boolean(outputs.slots?.[slot]?.endpoint) : true));
  const versions: Partial<Record<Slot, string>> = {};
  for (const slot of SLOTS) if (outputs.slots?.[slot]?.version) versions[slot] = outputs.slots[slot]!.version;

  const endpointUrl = outputs.endpoint ? urlOf(outputs.endpoint, local ? "/" : (input.healthPath ?? "/")) : undefined;
  const proxyRead = local && outputs.trafficSocket && outputs.trafficBackend ? probes.proxy(outputs.trafficSocket, outputs.trafficBackend) : undefined;
  const slotAnswers = local
    ? Promise.all(running.map(async (slot) => [slot, await probes.get(urlOf(outputs.slots![slot]!.endpoint!, "/healthz"))] as const))
    : Promise.resolve([]);
  // A cloud target is read through its mechanism (the Kubernetes API server; the clouds cannot be read from here).
  const cloudWeights: Promise<{ weights?: Weights; error?: string }> =
    !local && probes.liveWeights
      ? probes.liveWeights(outputs).then(
          (weights) => ({ weights }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        )
      : Promise.resolve({});
  const kubernetesRead = outputs.kubernetes && probes.kubernetes ? probes.kubernetes(outputs.kubernetes) : undefined;
  const [answers, proxy, direct, cloud, kubernetes] = await Promise.all([
    endpointUrl ? probes.endpoint(endpointUrl, input.requests ?? 4) : Promise.resolve(undefined),
    proxyRead,
    slotAnswers,
    cloudWeights,
    kubernetesRead,
  ]);

  let liveWeights: Weights | undefined = cloud.weights;
  if (proxy && "servers" in proxy && proxy.servers.blue && proxy.servers.green) {
    // A server in maintenance takes no traffic whatever its weight says.
    const effective = (slot: Slot) => (proxy.servers[slot]!.status.startsWith("MAINT") ? 0 : proxy.servers[slot]!.weight);
    liveWeights = { blue: effective("blue"), green: effective("green") };
  }

  const observedProcesses = local && input.state ? localProcesses(input.state, probes, running) : undefined;
  const workloads: NonNullable<Observations["workloads"]> = {};
  if (local) {
    for (const slot of running) {
      workloads[slot] = { process: observedProcesses?.processes[slot], answer: direct.find(([s]) => s === slot)?.[1], url: outputs.slots?.[slot]?.endpoint };
    }
  }
  const lock = input.lock ? probes.lock(input.lock.backendUrl, input.lock.project, input.lock.stack) : { checked: true };
  return {
    target,
    endpoint: endpointUrl ? { url: endpointUrl, answers: answers ?? [] } : undefined,
    declared: { weights: outputs.weights, versions, running },
    answersNameSlot: local,
    proxy: local ? (proxy ?? { error: "the stack outputs name no HAProxy runtime API (trafficSocket, trafficBackend)" }) : undefined,
    proxyProcess: observedProcesses?.proxyProcess,
    proxyConfig: observedProcesses?.proxyConfig,
    workloads: local ? workloads : undefined,
    liveWeights,
    ...(cloud.error ? { liveWeightsError: cloud.error } : {}),
    ...(kubernetes ? { kubernetes } : {}),
    ...(outputs.capacities ? { capacities: outputs.capacities } : {}),
    rollout: input.rollout,
    engine: { lock: lock.lock, lockChecked: lock.checked, pending: input.state ? pendingOperations(input.state).map((op) => `${op.kind} ${op.urn.split("::").pop()} (${op.type}) never finished`) : [] },
  };
}
