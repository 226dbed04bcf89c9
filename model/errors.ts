/**
 * One shallow hierarchy of errors, each naming what went wrong and what to do. The CLI maps
 * them to exit codes; engine errors are classified once, at the workspace boundary.
 */
export abstract class SwitchyardError extends Error {
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(
    message: string,
    /** What the user should do about it. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Something a user wrote (stack config, a flag) is invalid. Raised before any engine call. */
export class ConfigError extends SwitchyardError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source: string,
  ) {
    super(`${source}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}\n${problems.map(formatProblem).join("\n")}`);
  }
}

export interface ConfigProblem {
  /** Full key path, e.g. `switchyard:traffic.blue`. */
  readonly path: string;
  readonly message: string;
  /** The offending value, already redacted when it may be secret. */
  readonly value?: string;
  readonly fix: string;
}

function formatProblem(problem: ConfigProblem): string {
  const value = problem.value === undefined ? "" : ` (got ${problem.value})`;
  return `  - ${problem.path}: ${problem.message}${value}\n    fix: ${problem.fix}`;
}

/** The set-up (CLI, HAProxy, Node.js) is missing or broken. */
export class SetupError extends SwitchyardError {}

/** No usable secrets provider for a stack. */
export class SecretsError extends SwitchyardError {}

/** Who holds an engine lock, as the engine reports it ("created by root@vm (pid 793)"). */
export interface LockHolder {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
}

export function lockHolderOf(detail: string): LockHolder | undefined {
  const match = detail.match(/created by ([^@\s]+)@(\S+) \(pid (\d+)\)/);
  return match ? { user: match[1]!, host: match[2]!, pid: Number(match[3]) } : undefined;
}

/** Another update holds the stack's lock. */
export class StackLockedError extends SwitchyardError {
  readonly holder?: LockHolder;
  constructor(
    readonly stackName: string,
    detail: string,
  ) {
    const holder = lockHolderOf(detail);
    super(
      holder
        ? `stack "${stackName}" is locked by another update: ${holder.user}@${holder.host} pid ${holder.pid}`
        : `stack "${stackName}" is locked by another update: ${detail}`,
      `wait for it to finish; if that process died, run: switchyard recover --stack ${stackName}`,
    );
    this.holder = holder;
  }
}

/** The stack does not exist in the backend. */
export class StackNotFoundError extends SwitchyardError {
  constructor(readonly stackName: string) {
    super(`stack "${stackName}" does not exist in this backend`, `deploy it first: npm run deploy -- --stack ${stackName}`);
  }
}

/** An engine operation failed; `detail` is the engine's own account, secrets redacted. */
export class EngineError extends SwitchyardError {
  constructor(
    readonly operation: string,
    readonly stackName: string,
    detail: string,
  ) {
    super(`${operation} of stack "${stackName}" failed:\n${detail}`, "read the engine's message above; fix the cause and run the command again");
  }
}

/** The engine could not start the Node.js language host that runs the program file. */
export class LanguageHostError extends SwitchyardError {
  constructor(operation: string, stackName: string, detail: string) {
    super(
      `${operation} of stack "${stackName}" failed: the engine could not start the Node.js language host (pulumi-language-nodejs):\n${detail}`,
      "run `npm run setup`: it finds a Pulumi install's host or rebuilds Switchyard's own (see README, \"Plain Pulumi\")",
    );
  }
}

/** A provider plugin the engine needs, as the engine names it. */
export interface PluginSpec {
  readonly kind: string;
  readonly name: string;
  /** Without the leading "v"; undefined when neither the engine nor package.json says. */
  readonly version?: string;
  /** The plugin's own download server, when it has one (`pluginDownloadURL`). */
  readonly server?: string;
}

/** The engine needs provider plugins that are not installed; `why` says whether it tried to download them. */
export class MissingPluginError extends SwitchyardError {
  constructor(
    readonly operation: string,
    readonly stackName: string,
    readonly plugins: readonly PluginSpec[],
    why: string,
    /** The commands that install them, one per plugin, in the project's PULUMI_HOME. */
    readonly installCommands: readonly string[],
  ) {
    const names = plugins.map((p) => `pulumi-${p.kind}-${p.name}${p.version ? ` v${p.version}` : ""}`).join(", ");
    const one = plugins.length === 1;
    super(
      `${operation} of stack "${stackName}" needs the provider ${one ? "plugin" : "plugins"} ${names}, which ${one ? "is" : "are"} not installed; ${why}`,
      installCommands.join(" && "),
    );
  }
}

/** A rollout of the stack is being driven by another process right now. */
/** Deploying a file whose release was rolled back would repeat it: a person decides. */
export class ReleaseHeldBackError extends SwitchyardError {
  constructor(stack: string, what: string) {
    super(
      `stack "${stack}": the stack file still asks for ${what}; deploying it again would repeat it`,
      `change switchyard:slots or switchyard:active in stacks/Pulumi.${stack}.yaml (a fixed version, or the release that runs), or pass --retry to roll the same release out again`,
    );
  }
}

export class RolloutInProgressError extends SwitchyardError {
  constructor(stack: string, id: string, owner: string) {
    super(
      `stack "${stack}" is locked: rollout ${id} is in progress, driven by ${owner}`,
      `watch it with \`switchyard status --stack ${stack}\`, or use pause, promote or abort --stack ${stack}`,
    );
  }
}

/** A control command found no rollout to act on. */
export class NoRolloutError extends SwitchyardError {
  constructor(stack: string, action: string) {
    super(`stack "${stack}" has no rollout in progress to ${action}`, `start one with: switchyard deploy --stack ${stack}`);
  }
}

/** A destructive command refused a stack marked production. */
export class ProtectedStackError extends SwitchyardError {
  constructor(stack: string, command: string) {
    super(
      `stack "${stack}" is marked production (switchyard:environment: production); ${command} refuses it`,
      `if you really mean it: switchyard ${command} --stack ${stack} --force`,
    );
  }
}

/** Something of the local target still serves after it was destroyed. */
export class LeftoverError extends SwitchyardError {
  constructor(stack: string, what: string) {
    super(`stack "${stack}" was destroyed, but ${what}`, "find the holder with `ss -ltnp` and stop it, then run destroy again");
  }
}

/** The rollout record was taken over while this driver worked on it (its heartbeat went stale). */
export class LeaseLostError extends SwitchyardError {
  constructor(stack: string, id: string, holder: string) {
    super(
      `rollout ${id} of stack "${stack}" was taken over by ${holder} while this driver was still working on it; this driver stopped without writing`,
      `let the new holder finish, and see where it stands with \`switchyard status --stack ${stack}\``,
    );
  }
}
