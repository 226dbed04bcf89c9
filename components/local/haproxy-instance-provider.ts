/**
 * Dynamic provider of one HAProxy process. Configuration changes reload it hitlessly
 * (`-sf`: the old process finishes its connections while the new one takes the listeners);
 * weights are not part of it: they belong to the weights resource and the runtime API.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys } from "./dynamic";
import { renderHaproxyConfig, type HaproxyServer } from "./haproxy-config";
import { isRunning, stopProcess, waitFor } from "./processes";
import { runtimeCommand } from "./runtime-api";

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
}

const REPLACING_KEYS = ["service", "runDir", "haproxy"] as const;
const RELOADING_KEYS = ["listenAddress", "listenPort", "servers", "healthCheckPath"] as const;

function files(runDir: string) {
  return {
    configPath: path.join(runDir, "haproxy.cfg"),
    pidFile: path.join(runDir, "haproxy.pid"),
    socketPath: path.join(runDir, "admin.sock"),
    stateFile: path.join(runDir, "servers.state"),
  };
}

function writeConfig(inputs: HaproxyInstanceInputs) {
  const f = files(inputs.runDir);
  mkdirSync(inputs.runDir, { recursive: true });
  writeFileSync(
    f.configPath,
    renderHaproxyConfig({
      service: inputs.service,
      listenAddress: inputs.listenAddress,
      listenPort: inputs.listenPort,
      servers: inputs.servers,
      socketPath: f.socketPath,
      stateFile: f.stateFile,
      healthCheckPath: inputs.healthCheckPath,
    }),
  );
  const check = spawnSync(inputs.haproxy, ["-c", "-q", "-f", f.configPath], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`HAProxy rejected ${f.configPath}:\n${check.stderr || check.stdout}`);
  return f;
}

async function socketAnswers(socketPath: string): Promise<boolean> {
  try {
    return (await runtimeCommand(socketPath, "show info", 1000)).includes("Pid:");
  } catch {
    return false;
  }
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
  return { ...inputs, pid, ...f, url: `http://${inputs.listenAddress}:${inputs.listenPort}` };
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: HaproxyInstanceInputs) {
    const outs = await launch(inputs);
    return { id: `haproxy-${inputs.service}-${outs.pid}`, outs };
  },

  async read(id: string, props: HaproxyInstanceOutputs) {
    const alive = isRunning(props.pid, props.configPath) && (await socketAnswers(props.socketPath));
    if (!alive) return { id: undefined as unknown as string, props: {} };
    return { id, props };
  },

  async diff(_id: string, olds: HaproxyInstanceOutputs, news: HaproxyInstanceInputs) {
    const replaces = changedKeys<HaproxyInstanceInputs>(olds, news, REPLACING_KEYS) as string[];
    const reloads = changedKeys<HaproxyInstanceInputs>(olds, news, RELOADING_KEYS);
    return { changes: replaces.length + reloads.length > 0, replaces, deleteBeforeReplace: true };
  },

  async update(_id: string, olds: HaproxyInstanceOutputs, news: HaproxyInstanceInputs) {
    return { outs: await launch(news, olds.pid) };
  },

  async delete(_id: string, props: HaproxyInstanceOutputs) {
    // SIGUSR1 is HAProxy's soft stop: it stops listening and lets open connections finish.
    await stopProcess(props.pid, props.configPath, "SIGUSR1", 10_000);
    for (const file of [props.configPath, props.socketPath, props.stateFile, path.join(props.runDir, "haproxy.pid")]) {
      rmSync(file, { force: true });
    }
  },
};
