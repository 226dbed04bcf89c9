/**
 * Decrypts the Secrets of a config tree with the engine, once, where they are used: one
 * `pulumi config --show-secrets --json` (the engine knows the stack's secrets provider and
 * passphrase). Its output never leaves this module; each plaintext is handed over inside a Secret.
 */
import { SecretsError } from "../../model/errors";
import type { OpenedStack } from "../workspace";
import { NAMESPACE } from "../../model/config/stack";
import { valueAtSegments } from "../../model/secrets/path";
import { mapSecrets, secretsIn } from "../../model/secrets/secret";

interface ConfigEntry {
  readonly value?: string;
  readonly objectValue?: unknown;
}

/** The decrypted value of one `switchyard:` key, structured where the key holds an object. */
function entryValue(entry: ConfigEntry | undefined): unknown {
  if (entry === undefined) return undefined;
  if (entry.objectValue !== undefined) return entry.objectValue;
  return entry.value;
}

/** `tree` with every Secret holding its plaintext; `tree` itself when it holds none (no engine call). */
export async function decryptSecrets<T>(tree: T, opened: Pick<OpenedStack, "direct" | "stackName">): Promise<T> {
  if (secretsIn(tree).every((secret) => secret.decrypted)) return tree;
  const config = JSON.parse(await opened.direct("decrypting config secrets", ["config", "--show-secrets", "--json"])) as Record<string, ConfigEntry>;
  return mapSecrets(tree, (secret) => {
    if (secret.decrypted) return secret;
    const [key, ...rest] = secret.segments;
    const value = valueAtSegments(entryValue(config[`${NAMESPACE}:${String(key)}`]), rest);
    if (typeof value !== "string") {
      throw new SecretsError(
        `stack "${opened.stackName}": switchyard:${secret.path} could not be decrypted to a text value`,
        `set it again: pulumi config set --secret --path 'switchyard:${secret.path}' --stack ${opened.stackName}`,
      );
    }
    return secret.withValue(value);
  });
}

/** Decrypts on first use and remembers the result: a rollout's analysis runs at every step. */
export function decryptOnce<T>(tree: T, opened: Pick<OpenedStack, "direct" | "stackName">): () => Promise<T> {
  let decrypted: Promise<T> | undefined;
  return () => {
    decrypted ??= decryptSecrets(tree, opened);
    decrypted.catch(() => (decrypted = undefined));
    return decrypted;
  };
}
