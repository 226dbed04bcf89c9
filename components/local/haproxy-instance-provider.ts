/**
 * Dynamic provider of one HAProxy process. Configuration changes reload it hitlessly
 * (`-sf`: the old process finishes its connections while the new one takes the listeners);
 * weights are not part of it: they belong to the weights resource and the runtime API.
 * Read-back reports what serves, not just that a pid lives, and keeps the resource in state when
 * the process is gone (`process: "gone"`), so that a repair that fails does not forget it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, newKeysOnlyWhenFaulty } from "./dynamic";
import { backendName, configDigest, frontendName, renderHaproxyConfig, type HaproxyServer } from "./haproxy-config";
import { processState, type ProcessState } from "./procfs";
import { stopProcess, waitFor } from "./processes";
import { dumpServerState, frontendStatus, runtimeCommand, serversState, setServerAddress } from "./runtime-api";

export interface HaproxyInstanceInputs {
  readonly service: string;
  readonly listenAddress: string;
  readonly listenPort: number;
  readonly servers: readonly HaproxyServer[];
  readonly healthCheckPath: string;
  /** Folder for the configuration, pid file, admin socket and server state. */
  readonly runDir: string;
  readonly haproxy: string;
}

export interface HaproxyInstanceOutputs extends HaproxyInstanceInputs {
  readonly pid: number;
  readonly configPath: string;
  readonly socketPath: string;
  readonly stateFile: string;
  readonly url: string;
  /** Read back: is the HAProxy process `pid` (with its config path on the command line) running? */
  readonly process: ProcessState;
  /** Read back: its frontend is enabled and accepts connections on listenAddress:listenPort. */
  readonly listening: boolean;
  /** Read back: digest of the configuration file on disk, "missing" when there is none. */
  readonly configDigest: string;
}

const REPLACING_KEYS = ["service", "runDir", "haproxy"] as const;
const RELOADING_KEYS = ["listenAddress", "listenPort", "servers", "healthCheckPath"] as const;
const READ_TIMEOUT_MS = 3000;

function files(runDir: string) {
  return {
    configPath: path.join(runDir, "haproxy.cfg"),
    pidFile: path.join(runDir, "haproxy.pid"),
    socketPath: path.join(runDir, "admin.sock"),
    stateFile: path.join(runDir, "servers.state"),
  };
}

/** The configuration these inputs declare, as written to disk. */
export function renderInstanceConfig(inputs: HaproxyInstanceInputs): string {
  const f = files(inputs.runDir);
  return renderHaproxyConfig({
    service: inputs.service,
    listenAddress: inputs.listenAddress,
    listenPort: inputs.listenPort,
    servers: inputs.servers,
    socketPath: f.socketPath,
    stateFile: f.stateFile,
    healthCheckPath: inputs.healthCheckPath,
  });
}

function writeConfig(inputs: HaproxyInstanceInputs) {
  const f = files(inputs.runDir);
  mkdirSync(inputs.runDir, { recursive: true });
  writeFileSync(f.configPath, renderInstanceConfig(inputs));
  const check = spawnSync(inputs.haproxy, ["-c", "-q", "-f", f.configPath], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`HAProxy rejected ${f.configPath}:\n${check.stderr || check.stdout}`);
  return f;
}

function digestOnDisk(configPath: string): string {
  return existsSync(configPath) ? configDigest(readFileSync(configPath, "utf8")) : "missing";
}

async function socketAnswers(socketPath: string): Promise<boolean> {
  try {
    return (await runtimeCommand(socketPath, "show info", 1000)).includes("Pid:");
  } catch {
    return false;
  }
}

/** True when something accepts a TCP connection on address:port. */
function accepts(address: string, port: number, timeoutMs = READ_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("connect", () => done(true));
    socket.on("error", () => done(false));
  });
}

/**
 * Points every server at its declared address and saves the servers' state: a reload restores
 * addresses from the state file, so one changed through the runtime API would come back.
 */
async function enforceServers(inputs: HaproxyInstanceInputs, socketPath: string, stateFile: string): Promise<void> {
  const backend = backendName(inputs.service);
  const before = await serversState(socketPath, backend);
  for (const server of inputs.servers) {
    const found = before.find((s) => s.server === server.name);
    if (found?.address !== server.address || found.port !== server.port) await setServerAddress(socketPath, backend, server.name, server.address, server.port);
  }
  const live = await serversState(socketPath, backend);
  for (const server of inputs.servers) {
    const found = live.find((s) => s.server === server.name);
    if (found?.address !== server.address || found.port !== server.port) {
      throw new Error(`HAProxy ${backend}/${server.name} serves ${found ? `${found.address}:${found.port}` : "nothing"} after it was set to ${server.address}:${server.port}`);
    }
  }
  writeFileSync(stateFile, await dumpServerState(socketPath, backend));
}

/** Starts HAProxy as a daemon; with `replacing`, the new process takes over from that pid. */
async function launch(inputs: HaproxyInstanceInputs, replacing?: number): Promise<HaproxyInstanceOutputs> {
  const f = writeConfig(inputs);
  const args = ["-D", "-f", f.configPath, "-p", f.pidFile, ...(replacing ? ["-sf", String(replacing)] : [])];
  const started = spawnSync(inputs.haproxy, args, { encoding: "utf8", timeout: 15_000 });
  if (started.status !== 0) {
    throw new Error(`HAProxy for ${inputs.service} did not start (is ${inputs.listenAddress}:${inputs.listenPort} free?):\n${started.stderr}`);
  }
  const pid = Number(readFileSync(f.pidFile, "utf8").trim().split("\n")[0]);
  if (!(await waitFor(() => socketAnswers(f.socketPath), 10_000))) {
    throw new Error(`HAProxy for ${inputs.service} started (pid ${pid}) but its runtime API at ${f.socketPath} does not answer`);
  }
  await enforceServers(inputs, f.socketPath, f.stateFile);
  return { ...inputs, pid, ...f, url: `http://${inputs.listenAddress}:${inputs.listenPort}`, process: "running", listening: true, configDigest: configDigest(renderInstanceConfig(inputs)) };
}

/** What runs: the process, its frontend, each server's live address and port, the file on disk. */
export async function readBack(props: HaproxyInstanceOutputs): Promise<HaproxyInstanceOutputs> {
  const found = await readLive(props);
  return newKeysOnlyWhenFaulty(props, found, { process: "running", listening: true, configDigest: configDigest(renderInstanceConfig(props)) });
}

async function readLive(props: HaproxyInstanceOutputs): Promise<HaproxyInstanceOutputs> {
  const state = processState(props.pid, props.configPath);
  const found = { ...props, process: state, configDigest: digestOnDisk(props.configPath), listening: false };
  if (state !== "running") return found;
  try {
    const live = await serversState(props.socketPath, backendName(props.service), READ_TIMEOUT_MS);
    // Keep each declared server's own keys and order, so a healthy read equals state exactly.
    const servers = props.servers.map((s) => {
      const l = live.find((x) => x.server === s.name);
      return { ...s, address: l?.address ?? "", port: l?.port ?? 0 };
    });
    const open = (await frontendStatus(props.socketPath, frontendName(props.service), READ_TIMEOUT_MS)) === "OPEN";
    return { ...found, servers, listening: open && (await accepts(props.listenAddress, props.listenPort)) };
  } catch {
    // The process runs but its runtime API does not answer: it serves nothing we can vouch for.
    return found;
  }
}

/**
 * Why an update must put HAProxy back, from what the last read found (`olds`) and what is
 * declared. A missing read-back value (state written before read-back existed) is no reason.
 */
export function repairReasons(olds: Partial<HaproxyInstanceOutputs>, news: HaproxyInstanceInputs): string[] {
  const reasons: string[] = [];
  if (olds.process !== undefined && olds.process !== "running") reasons.push("process");
  if (olds.listening === false) reasons.push("listening");
  if (olds.configDigest !== undefined && olds.configDigest !== configDigest(renderInstanceConfig(news))) reasons.push("configDigest");
  return reasons;
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: HaproxyInstanceInputs) {
    const outs = await launch(inputs);
    return { id: `haproxy-${inputs.service}-${outs.pid}`, outs };
  },

  async read(id: string, props: HaproxyInstanceOutputs) {
    return { id, props: await readBack(props) };
  },

  async diff(_id: string, olds: HaproxyInstanceOutputs, news: HaproxyInstanceInputs) {
    const replaces = changedKeys<HaproxyInstanceInputs>(olds, news, REPLACING_KEYS) as string[];
    const reloads = [...changedKeys<HaproxyInstanceInputs>(olds, news, RELOADING_KEYS), ...repairReasons(olds, news)];
    return { changes: replaces.length + reloads.length > 0, replaces, deleteBeforeReplace: true };
  },

  async update(_id: string, olds: HaproxyInstanceOutputs, news: HaproxyInstanceInputs) {
    const state = processState(olds.pid, olds.configPath);
    // A stopped HAProxy keeps its listening socket and would never finish a soft stop: end it.
    if (state === "stopped") await stopProcess(olds.pid, olds.configPath, "SIGKILL", 0);
    return { outs: await launch(news, state === "running" ? olds.pid : undefined) };
  },

  async delete(_id: string, props: HaproxyInstanceOutputs) {
    // SIGUSR1 is HAProxy's soft stop: it stops listening and lets open connections finish.
    await stopProcess(props.pid, props.configPath, "SIGUSR1", 10_000);
    for (const file of [props.configPath, props.socketPath, props.stateFile, path.join(props.runDir, "haproxy.pid")]) {
      rmSync(file, { force: true });
    }
  },
};
