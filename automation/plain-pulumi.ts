/**
 * `npm run pulumi -- <args>`: the plain Pulumi CLI with this project's engine, backend,
 * PULUMI_HOME, secrets provider and environment, so that `pulumi config set --secret`,
 * `stack export`, `preview`, `up`, `refresh` or `destroy` act on the very stacks the driver uses.
 *
 * The program then runs under a language host (a real Pulumi install's, or Switchyard's own; see
 * set-up) and gets the stack file alone: the driver's status is not applied, so `up` builds the
 * steady state the file asks for (all traffic on `active`).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { engineEnvironment, PROJECT_NAME, resolvePassphrase } from "./workspace";
import { plainRunNotice, runsProgram } from "./plain-notice";
import { backendDriverStatus } from "./rollout/backend-status";
import { openDocumentStore } from "./store/open-store";
import { PROJECT_ROOT, readToolchain } from "../model/toolchain";
import { SecretsError, SwitchyardError } from "../model/errors";

/** The stack named by `--stack X`, `--stack=X`, `-s X` or `-sX`, if any. */
export function stackArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return undefined;
    if (arg === "--stack" || arg === "-s") return args[i + 1];
    if (arg.startsWith("--stack=")) return arg.slice("--stack=".length);
    if (/^-s[^-]/.test(arg)) return arg.slice(2);
  }
  return undefined;
}

function passphraseOrNone(stackName: string, env: NodeJS.ProcessEnv): ReturnType<typeof resolvePassphrase> {
  try {
    return resolvePassphrase(stackName, PROJECT_ROOT, env);
  } catch (error) {
    if (error instanceof SecretsError) return { kind: "none" };
    throw error;
  }
}

/** The environment plain commands run in: the driver's engine environment for that stack. */
export function plainEnvironment(args: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const toolchain = readToolchain();
  const stackName = stackArgument(args);
  // Without --stack the CLI uses the selected stack: only a passphrase from the environment applies.
  // A stack with no passphrase we know of is left to the CLI, which asks for one only when it needs it.
  const passphrase = stackName ? passphraseOrNone(stackName, env) : { kind: "none" as const };
  return { ...env, ...engineEnvironment({ stackName: stackName ?? "", env }, toolchain, passphrase) };
}

/** The `--cwd`/`-C` folder the CLI will run in, if given. */
function cwdArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--cwd" || arg === "-C") return args[i + 1];
    if (arg.startsWith("--cwd=")) return arg.slice("--cwd=".length);
  }
  return undefined;
}

/** Warns when the backend holds driver status that a plain run leaves out; never stops the run. */
async function noticeDriverStatus(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const stackName = stackArgument(args);
  if (!stackName || !runsProgram(args)) return;
  const workDir = path.resolve(PROJECT_ROOT, cwdArgument(args) ?? ".");
  try {
    const store = openDocumentStore(env.PULUMI_BACKEND_URL!, PROJECT_NAME, stackName, env);
    const notice = plainRunNotice(stackName, await backendDriverStatus(store, workDir, stackName));
    if (notice) process.stderr.write(`${notice}\n`);
  } catch (error) {
    process.stderr.write(`warning: could not read the driver's status for stack "${stackName}": ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let env: NodeJS.ProcessEnv;
  try {
    env = plainEnvironment(args);
  } catch (error) {
    if (!(error instanceof SwitchyardError)) throw error;
    process.stderr.write(`error: ${error.message}\n${error.fix ? `fix: ${error.fix}\n` : ""}`);
    process.exit(2);
  }
  const toolchain = readToolchain();
  // The CLI still runs (stack export, config set need no host); programs and packs will not.
  if (toolchain.languageHost?.kind === "none") process.stderr.write(`warning: no Node.js language host: ${toolchain.languageHost.reason}\n`);
  await noticeDriverStatus(args, env);
  const binary = path.join(toolchain.pulumiRoot, "bin", "pulumi");
  const child = spawn(binary, args, { cwd: PROJECT_ROOT, env, stdio: "inherit" });
  // Ctrl-C reaches the CLI from the terminal itself; this process only waits for it to finish.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
}

if (require.main === module) void main();
