/**
 * The one place that knows how the engine is found and configured: the CLI binary that set-up
 * built or found, the state backend, the secrets provider and the engine's environment. Engine
 * errors are classified here, once.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { DirectEngineFailure, runDirect, type DirectRunOptions } from "./direct-engine";
import { engineDetail } from "./engine-detail";
import { fastPathOff, needsFastPath, runThroughAutomationApi } from "./automation-fallback";
import { programFileFor } from "../model/program-file";
import { engineOwnerMark, OWNER_VAR } from "./engine-processes";
import { keepExportsEncrypted } from "./secrets/export";
import { EngineError, LanguageHostError, SecretsError, StackLockedError, StackNotFoundError, SwitchyardError } from "../model/errors";
import { defaultBackendUrl, PROJECT_ROOT, readToolchain, type Toolchain } from "../model/toolchain";
import type { DriverStatus } from "../model/driver-status";
import { writeEffectiveConfig } from "./effective-config";
import { backendDriverStatus } from "./rollout/backend-status";
import { openDocumentStore } from "./store/open-store";
import { ACQUISITION_VAR, pluginAcquisition, stackTarget, type PluginAcquisition } from "./plugins/acquisition";
import { missingPluginError } from "./plugins/missing";

/** The Automation API, loaded on first use: a command whose engine work is all direct never pays for it. */
const sdk = () => require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");

export const PROJECT_NAME = "switchyard";

/**
 * The documented development passphrase of the `local` stack. Its secrets protect nothing of
 * value (loopback ports, a sample service); every other stack needs a passphrase of its own.
 */
export const LOCAL_DEV_PASSPHRASE = "switchyard-local-development";
const DEV_PASSPHRASE_STACKS = new Set(["local", "local-dr", "local-dev", "local-staging", "local-prod"]);

export interface EngineSettings {
  readonly stackName: string;
  /** Folder with Pulumi.yaml and the stack config folder; the project root unless a test says otherwise. */
  readonly workDir?: string;
  /** Environment to read settings from; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Only open an existing stack (read-only commands); by default a new stack is created. */
  readonly mustExist?: boolean;
  /**
   * Select the stack (a CLI process) only when an Automation API operation first needs it. For
   * commands whose engine work runs direct; a missing stack then fails at the first operation.
   */
  readonly deferSelect?: boolean;
}

/** Engine commands that run the program or its providers: they get the run's effective config. */
const CONFIGURED_COMMANDS = new Set(["up", "preview", "refresh", "destroy"]);

/** Options of one direct run: the engine's, and the driver's status for it when not the backend's. */
export interface DirectOptions extends DirectRunOptions {
  readonly driverStatus?: DriverStatus;
}

/** A stack opened with an inline program, ready for engine operations. */
export interface OpenedStack {
  readonly stackName: string;
  readonly workDir: string;
  /** The stack's whole program. */
  readonly program: PulumiFn;
  /** The project's program file the engine may run for `program` through the language host (model/program-file.ts). */
  readonly programFile?: string;
  /** Runs an engine operation, turning SDK errors into Switchyard errors with secrets redacted. */
  run<T>(operation: string, action: (stack: Stack) => Promise<T>): Promise<T>;
  /**
   * Runs `pulumi <args>` on this stack through the CLI binary alone (direct-engine.ts), errors
   * classified like `run`'s. For the hot paths where the Automation API's extra calls cost.
   */
  direct(operation: string, args: readonly string[], options?: DirectOptions): Promise<string>;
  /** The driver's status as the backend has it now: what every engine run applies unless told otherwise. */
  driverStatus(): Promise<DriverStatus | undefined>;
  /** Writes a run's effective config with this status (the backend's when omitted); pass it as `configFile`. */
  effectiveConfigFile(status?: DriverStatus): Promise<string | undefined>;
  /**
   * The program a traffic step runs: it must declare every traffic resource. The whole program
   * unless the stack was opened with a smaller one (see ProgramScopes).
   */
  readonly trafficProgram: PulumiFn;
}

/**
 * A program and the part of it that traffic steps need. A stack that composes Switchyard's
 * components with many resources of its own declares the traffic part, so that a step does not
 * construct and register the rest: the step is a targeted update, and the engine keeps resources
 * it was not asked about and the program did not declare.
 */
export interface ProgramScopes {
  readonly full: PulumiFn;
  readonly traffic: PulumiFn;
}

/** The backend the engine uses for this environment. */
export function engineBackendUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.PULUMI_BACKEND_URL || defaultBackendUrl();
}

/**
 * Environment variables of the engine process: quiet and non-interactive; provider plugins are
 * downloaded as plain Pulumi would for cloud stacks only (plugins/acquisition.ts).
 */
export function engineEnvironment(settings: EngineSettings, toolchain: Toolchain, passphrase: Passphrase): Record<string, string> {
  const env = settings.env ?? process.env;
  const workDir = settings.workDir ?? PROJECT_ROOT;
  const vars: Record<string, string> = {
    PATH: [toolchain.helpersDir, path.join(PROJECT_ROOT, "node_modules", ".bin"), env.PATH ?? ""].join(path.delimiter),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    [ACQUISITION_VAR]: stackPluginAcquisition(settings).value,
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_BACKEND_URL: engineBackendUrl(env),
    PULUMI_HOME: env.PULUMI_HOME || path.join(PROJECT_ROOT, ".switchyard", "pulumi-home"),
    // The engine starts dynamic-provider hosts in the program's folder; they need our node.
    SWITCHYARD_WORK_DIR: workDir,
  };
  if (passphrase.kind === "value") vars.PULUMI_CONFIG_PASSPHRASE = passphrase.value;
  if (passphrase.kind === "file") vars.PULUMI_CONFIG_PASSPHRASE_FILE = passphrase.file;
  return vars;
}

/** How this stack's engine runs get provider plugins: by its target, unless the user's environment says. */
export function stackPluginAcquisition(settings: EngineSettings): PluginAcquisition {
  return pluginAcquisition(stackTarget(settings.workDir ?? PROJECT_ROOT, settings.stackName), settings.env ?? process.env);
}

type Passphrase = { kind: "value"; value: string } | { kind: "file"; file: string } | { kind: "none" };

/** Reads the `secretsprovider:` line of a stack file, if it has one. */
function declaredSecretsProvider(workDir: string, stackName: string): string | undefined {
  const file = path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`);
  if (!existsSync(file)) return undefined;
  const match = readFileSync(file, "utf8").match(/^secretsprovider:\s*(\S+)/m);
  return match?.[1];
}

/** Chooses how the stack's secrets are protected, or stops with what to set. */
export function resolvePassphrase(stackName: string, workDir: string, env: NodeJS.ProcessEnv = process.env): Passphrase {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return { kind: "value", value: env.PULUMI_CONFIG_PASSPHRASE };
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return { kind: "file", file: env.PULUMI_CONFIG_PASSPHRASE_FILE };
  const provider = declaredSecretsProvider(workDir, stackName);
  if (provider && provider !== "passphrase") return { kind: "none" };
  if (DEV_PASSPHRASE_STACKS.has(stackName)) return { kind: "value", value: LOCAL_DEV_PASSPHRASE };
  throw new SecretsError(
    `stack "${stackName}" has no secrets provider: PULUMI_CONFIG_PASSPHRASE is not set`,
    "export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), or set `secretsprovider:` (awskms://, gcpkms://, azurekeyvault://) in the stack file",
  );
}

/** Opens (creating when new) a stack whose program runs inline in this process. */
export async function openStack(settings: EngineSettings, programs: PulumiFn | ProgramScopes): Promise<OpenedStack> {
  const { full: program, traffic: trafficProgram } = typeof programs === "function" ? { full: programs, traffic: programs } : programs;
  const toolchain = readToolchain();
  const workDir = settings.workDir ?? PROJECT_ROOT;
  const passphrase = resolvePassphrase(settings.stackName, workDir, settings.env);
  // The mark lets this driver's watchdog stop the engine's processes should the driver die.
  const envVars: Record<string, string> = { ...engineEnvironment(settings, toolchain, passphrase), [OWNER_VAR]: engineOwnerMark() };
  // A file:// backend must exist before the engine opens it; the default one is ours to create.
  if (envVars.PULUMI_BACKEND_URL === defaultBackendUrl()) mkdirSync(new URL(envVars.PULUMI_BACKEND_URL).pathname, { recursive: true });
  const redact = redactor(passphrase);
  const acquisition = stackPluginAcquisition(settings);
  const run = async <T>(operation: string, action: (stack: Stack) => Promise<T>, stack?: Stack): Promise<T> => {
    try {
      return await action(stack as Stack);
    } catch (error) {
      throw classifyEngineError(error, operation, settings.stackName, redact, acquisition);
    }
  };
  const direct = { binary: path.join(toolchain.pulumiRoot, "bin", "pulumi"), stackName: settings.stackName, workDir, env: envVars };
  // Without the fast path's internals, runs that serve a program or read events go through the Automation API.
  const fastPathOffBecause = fastPathOff(settings.env ?? process.env, toolchain);
  let fallbackAnnounced = false;
  const throughAutomationApi = async (args: readonly string[], options: DirectRunOptions, file: string | undefined) => {
    if (!fallbackAnnounced) {
      fallbackAnnounced = true;
      process.stderr.write(`switchyard: warning: engine runs go through the Automation API (stack.up with targets; slower) because ${fastPathOffBecause}\n`);
    }
    return runThroughAutomationApi(await stackOf(), args, options, file);
  };
  const store = openDocumentStore(envVars.PULUMI_BACKEND_URL, PROJECT_NAME, settings.stackName);
  const driverStatus = () => (existsSync(path.join(workDir, "stacks", `Pulumi.${settings.stackName}.yaml`)) ? backendDriverStatus(store, workDir, settings.stackName) : Promise.resolve(undefined));
  // Every run that executes the program gets intent + status; the stack file is never written.
  const configFile = async (override?: DriverStatus) => writeEffectiveConfig(workDir, settings.stackName, override ?? (await driverStatus()));
  const select = async (): Promise<Stack> => {
    const { LocalWorkspace, PulumiCommand } = sdk();
    const pulumiCommand = await PulumiCommand.get({ root: toolchain.pulumiRoot, skipVersionCheck: true });
    const args = { stackName: settings.stackName, projectName: PROJECT_NAME, program };
    const options = { workDir, pulumiCommand, envVars, pulumiHome: envVars.PULUMI_HOME };
    const stack = await (settings.mustExist ? LocalWorkspace.selectStack(args, options) : LocalWorkspace.createOrSelectStack(args, options));
    // Checkpoints and recovery keep exports: secrets stay ciphertext there.
    return withEffectiveConfig(keepExportsEncrypted(stack, () => runDirect(direct, ["stack", "export"])), configFile);
  };
  let selecting: Promise<Stack> | undefined;
  const stackOf = () => (selecting ??= run("opening", select));
  // Selecting costs a CLI process; a command whose engine work is all direct never needs it.
  if (!settings.deferSelect) await stackOf();
  return {
    stackName: settings.stackName,
    workDir,
    program,
    programFile: programFileFor(program, workDir, toolchain),
    trafficProgram,
    run: async (operation, action) => run(operation, action, await stackOf()),
    direct: (operation, args, options = {}) =>
      run(operation, async () => {
        const { driverStatus: override, ...engineOptions } = options;
        const file = CONFIGURED_COMMANDS.has(args[0] ?? "") ? await configFile(override) : undefined;
        if (fastPathOffBecause && needsFastPath(engineOptions)) return throughAutomationApi(args, engineOptions, file);
        return runDirect(direct, file ? [...args, "--config-file", file] : args, engineOptions);
      }),
    driverStatus,
    effectiveConfigFile: configFile,
  };
}

type ConfiguredOperation = "up" | "preview" | "refresh" | "previewRefresh" | "destroy" | "previewDestroy";
const CONFIGURED_OPERATIONS: readonly ConfiguredOperation[] = ["up", "preview", "refresh", "previewRefresh", "destroy", "previewDestroy"];

/** The Automation API's operations, each given the run's effective config file. */
function withEffectiveConfig(stack: Stack, configFile: () => Promise<string | undefined>): Stack {
  for (const operation of CONFIGURED_OPERATIONS) {
    const original = (stack as unknown as Record<string, (opts?: object) => Promise<unknown>>)[operation];
    if (typeof original !== "function") continue;
    (stack as unknown as Record<string, unknown>)[operation] = async (opts: { configFile?: string } = {}) => {
      const file = opts.configFile ?? (await configFile());
      return original.call(stack, file ? { ...opts, configFile: file } : opts);
    };
  }
  return stack;
}

function redactor(passphrase: Passphrase): (text: string) => string {
  const secrets = passphrase.kind === "value" && passphrase.value.length >= 4 ? [passphrase.value] : [];
  return (text) => secrets.reduce((acc, secret) => acc.split(secret).join("[secret]"), text);
}

/**
 * Turns an engine failure into a Switchyard error. `acquisition` is how the run got its provider
 * plugins, so that a missing one is explained (download tried, or off and why).
 */
export function classifyEngineError(
  error: unknown,
  operation: string,
  stack: string,
  redact: (s: string) => string = (s) => s,
  acquisition?: PluginAcquisition,
): Error {
  if (error instanceof SwitchyardError) return error;
  const detail = redact(engineDetail(error));
  const missing = missingPluginError(detail, operation, stack, acquisition);
  if (missing) return missing;
  if (/failed to load language plugin nodejs/.test(detail)) return new LanguageHostError(operation, stack, detail);
  if (error instanceof DirectEngineFailure) {
    // The texts the Automation API itself matches (its errors.ts) for the same two cases.
    if (/the stack is currently locked by|\[409\] Conflict: Another update is currently in progress/.test(error.stderr)) return new StackLockedError(stack, detail);
    if (/no stack named.*found/.test(error.stderr)) return new StackNotFoundError(stack);
    return new EngineError(operation, stack, detail);
  }
  const { ConcurrentUpdateError, StackNotFoundError: SdkStackNotFoundError } = sdk();
  if (error instanceof ConcurrentUpdateError) return new StackLockedError(stack, detail);
  if (error instanceof SdkStackNotFoundError) return new StackNotFoundError(stack);
  return new EngineError(operation, stack, detail);
}
