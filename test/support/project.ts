/**
 * A throwaway Switchyard project for engine tests: its own work dir (Pulumi.yaml + stack file,
 * inside the repository so that the engine's dynamic-provider hosts resolve our node_modules),
 * its own file:// backend (or the one it is given), run dir and free loopback ports. `cleanup`
 * destroys what it deployed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { StackConfigInput } from "../../model/config/stack";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { openStack, PROJECT_NAME, type OpenedStack, type ProgramScopes } from "../../automation/workspace";
import { PROJECT_ROOT } from "../../model/toolchain";
import { ROLLOUT_KEY, type RolloutRecord } from "../../automation/rollout/record";
import { openDocumentStore } from "../../automation/store/open-store";
import { switchyardProgram } from "../../stacks/program";
import { readServers } from "../../components/local/runtime-api";
import { freePorts } from "./ports";

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A resource of an exported state, as much of it as tests look at. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly outputs?: Record<string, unknown>;
  readonly dependencies?: string[];
  readonly propertyDependencies?: Record<string, string[]>;
}

export interface TestProject {
  readonly stackName: string;
  readonly workDir: string;
  readonly runDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ports: { listen: number; blue: number; green: number };
  /** Rewrites the stack file with these `switchyard:` values (merged over the defaults). */
  writeConfig(overrides?: Partial<StackConfigInput>): void;
  /** Runs the real CLI in a child process, as a user would. */
  cli(...args: string[]): Promise<CliResult>;
  /** Starts the real CLI and returns at once. */
  cliInBackground(...args: string[]): BackgroundCli;
  /** The weights HAProxy serves with now, read from its runtime API. */
  liveWeights(): Promise<{ blue: number; green: number }>;
  /** The rollout record as the stack's backend holds it. */
  rolloutRecord(): Promise<RolloutRecord | undefined>;
  /** Polls the rollout record until `predicate` holds. */
  waitForRecord(predicate: (record: RolloutRecord) => boolean, timeoutMs?: number): Promise<RolloutRecord>;
  /**
   * Removes the resources `which` picks from state, as a refresh does with what it finds gone,
   * keeping the state importable (references to them dropped). Returns how many it removed.
   */
  forgetInState(which: (resource: StateResource) => boolean): Promise<number>;
  /** Opens the stack with `program` (the Switchyard program unless a test brings its own). */
  open(program?: PulumiFn | ProgramScopes): Promise<OpenedStack>;
  cleanup(): Promise<void>;
}

/** The node set-up installs, and the command line as `npm run` starts it. */
export const NODE = path.join(PROJECT_ROOT, "node_modules", "node", "bin", "node");
export const CLI = path.join(PROJECT_ROOT, "automation", "cli.ts");
/** What `npm run pulumi` runs: the plain Pulumi CLI with the project's engine settings. */
export const PLAIN_PULUMI = path.join(PROJECT_ROOT, "automation", "plain-pulumi.ts");

export interface BackgroundCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

/** Starts the real CLI (or another of the project's entry points) in a child process and returns at once. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT, entry = CLI): BackgroundCli {
  const child = spawn(NODE, ["--import", "tsx", entry, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    // `close`, not `exit`: only then has all of the output arrived (a JSON document cut short otherwise).
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}

/** `npm run pulumi -- <args>` as a user runs it, from the project root. */
export function runPlainPulumi(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, env, PROJECT_ROOT, PLAIN_PULUMI).done;
}

export interface TestProjectOptions {
  /** The state backend (PULUMI_BACKEND_URL); a file:// folder of the project by default. */
  readonly backendUrl?: string;
  /** Plain `pulumi` commands run the repository's program here (Pulumi.yaml `main`). */
  readonly plainPrograms?: boolean;
  /**
   * Another test project's work dir: this stack joins it (a pipeline's stacks share one project
   * and, with `backendUrl`, one backend); its cleanup then removes only its own stack.
   */
  readonly workDir?: string;
  /** More environment for every engine run and CLI process (PATH, KUBECONFIG for a kubernetes stack). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The stack file's defaults for another target: `switchyard:` values written instead of the
   * local target's (`writeConfig` overrides still merge over them).
   */
  readonly config?: Partial<StackConfigInput>;
}

export async function createTestProject(name: string, options: TestProjectOptions = {}): Promise<TestProject> {
  const scratch = path.join(PROJECT_ROOT, ".switchyard", "tmp");
  mkdirSync(scratch, { recursive: true });
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(path.join(scratch, `${name}-`));
  // Unix sockets allow ~107 bytes of path: keep the run dir short, outside the repository.
  const runDir = mkdtempSync(path.join(tmpdir(), "sy-"));
  const backendDir = path.join(workDir, "state");
  mkdirSync(path.join(workDir, "stacks"), { recursive: true });
  mkdirSync(backendDir, { recursive: true });
  // Inline programs ignore `main` (the CLI only checks the path exists). Plain `pulumi` commands run
  // it: then it names the repository's program. Without it the engine starts its plugins in the
  // test's folder, where tests look for them.
  const { main, ...projectFile } = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
  if (options.plainPrograms) projectFile.main = path.relative(workDir, path.join(PROJECT_ROOT, main));
  writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(projectFile));
  const [listen, blue, green] = (await freePorts(3)) as [number, number, number];
  const ports = { listen, blue, green };
  const stackName = name;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: options.backendUrl ?? `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
    ...options.env,
  };
  let deployedSomething = false;

  const project: TestProject = {
    stackName,
    workDir,
    runDir,
    env,
    ports,
    writeConfig(overrides = {}) {
      const values: StackConfigInput = {
        target: "local",
        service: "hello",
        slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0" } },
        traffic: { blue: 100, green: 0 },
        ...(options.config ?? { local: { ports, runDir } }),
        ...overrides,
      };
      // With `active` the weights are the driver's (kept in the backend); a file states no traffic then.
      if (overrides.active !== undefined && overrides.traffic === undefined) delete (values as { traffic?: unknown }).traffic;
      const config = Object.fromEntries(Object.entries(values).map(([key, value]) => [`switchyard:${key}`, value]));
      const file = path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`);
      // Keep what the engine wrote there (the passphrase's encryption salt).
      const existing = existsSync(file) ? (parse(readFileSync(file, "utf8")) ?? {}) : {};
      writeFileSync(file, stringify({ ...existing, config }));
    },
    async cli(...args) {
      deployedSomething ||= args[0] === "deploy";
      return runCli([...args, "--stack", stackName, "--cwd", workDir], env);
    },
    cliInBackground(...args) {
      deployedSomething ||= args[0] === "deploy";
      return startCli([...args, "--stack", stackName, "--cwd", workDir], env);
    },
    async liveWeights() {
      const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
      const servers = await readServers(outputs.trafficSocket!.value, outputs.trafficBackend!.value, ["blue", "green"]);
      return { blue: servers.blue!.weight, green: servers.green!.weight };
    },
    async rolloutRecord() {
      const store = openDocumentStore(env.PULUMI_BACKEND_URL!, PROJECT_NAME, stackName, env);
      return (await store.get<RolloutRecord>(ROLLOUT_KEY))?.value;
    },
    async waitForRecord(predicate, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await project.rolloutRecord();
        if (record && predicate(record)) return record;
        if (Date.now() > deadline) throw new Error(`rollout record never matched; last: ${JSON.stringify(record)?.slice(0, 600)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async forgetInState(which) {
      const opened = await project.open();
      const state = await opened.run("export", (st) => st.exportStack());
      const resources = state.deployment.resources as StateResource[];
      const lost = new Set(resources.filter(which).map((r) => r.urn));
      const keep = (urns: string[] | undefined) => urns?.filter((urn) => !lost.has(urn));
      state.deployment.resources = resources
        .filter((r) => !lost.has(r.urn))
        .map((r) => ({
          ...r,
          dependencies: keep(r.dependencies),
          propertyDependencies: r.propertyDependencies && Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, keep(v)!])),
        }));
      await opened.run("import", (st) => st.importStack(state));
      return lost.size;
    },
    open(program = switchyardProgram) {
      return openStack({ stackName, workDir, env }, program);
    },
    async cleanup() {
      if (deployedSomething) {
        const opened = await project.open();
        await opened.run("destroy", (stack) => stack.destroy());
      }
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
      else rmSync(path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`), { force: true });
      rmSync(runDir, { recursive: true, force: true });
    },
  };
  project.writeConfig();
  return project;
}
