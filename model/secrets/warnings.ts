/**
 * The warning a stack file with plaintext credentials gets, naming each key and the command that
 * encrypts it with this project's engine, backend and secrets provider. The `local` stack is
 * exempt: its documented development passphrase protects nothing anyway.
 */
import * as path from "node:path";
import { PROJECT_ROOT, defaultBackendUrl, readToolchain } from "../toolchain";
import { plaintextCredentials } from "./plaintext";

/** Stacks whose plaintext credentials get no warning. */
export const EXEMPT_STACKS: ReadonlySet<string> = new Set(["local"]);

export interface EncryptCommandOptions {
  readonly stack: string;
  /** Folder with Pulumi.yaml and stacks/. */
  readonly workDir: string;
  readonly env?: NodeJS.ProcessEnv;
}

const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** The CLI set-up installed; plain `pulumi` before set-up has run. */
function pulumiBinary(): string {
  try {
    return path.join(readToolchain().pulumiRoot, "bin", "pulumi");
  } catch {
    return "pulumi";
  }
}

/**
 * `pulumi config set --secret --path` as this project runs the engine. The value is left out, so
 * the CLI asks for it and it never lands in shell history; a backend URL from the environment is
 * referred to, not copied (it may hold a password).
 */
export function encryptCommand(key: string, options: EncryptCommandOptions): string {
  const env = options.env ?? process.env;
  const home = env.PULUMI_HOME || path.join(PROJECT_ROOT, ".switchyard", "pulumi-home");
  const backend = env.PULUMI_BACKEND_URL ? '"$PULUMI_BACKEND_URL"' : quote(defaultBackendUrl());
  const binary = pulumiBinary();
  return [
    `PULUMI_HOME=${quote(home)} PULUMI_BACKEND_URL=${backend}`,
    quote(binary),
    "config set --secret --path",
    quote(`switchyard:${key}`),
    `--stack ${quote(options.stack)}`,
    `--cwd ${quote(path.resolve(options.workDir))}`,
  ].join(" ");
}

/** One warning per plaintext credential of a stack file other than `local`'s. */
export function plaintextWarnings(values: Readonly<Record<string, unknown>>, file: string, options: EncryptCommandOptions): string[] {
  if (EXEMPT_STACKS.has(options.stack)) return [];
  return plaintextCredentials(values).map(
    (key) =>
      `warning: switchyard:${key} in ${file} looks like a credential stored in plaintext (it ends up in git and the engine's history); ` +
      `encrypt it, typing the value when asked (PULUMI_CONFIG_PASSPHRASE set as for deploy; see "Secrets" in README.md):\n  ${encryptCommand(key, options)}`,
  );
}
