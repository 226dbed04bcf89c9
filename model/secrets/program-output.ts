/**
 * What the program tells the policy pack about credentials: the paths of plaintext ones, never a
 * value. Stack policies see resources, not config, so this travels as a stack output. The engine
 * says only whether a whole key holds a secret (a key with one `--path` secret counts as secret),
 * so this is coarser than the driver's warning, which reads the stack file itself.
 */
import { NAMESPACE } from "../config/stack";
import { plaintextCredentials } from "./plaintext";

/**
 * Whether the engine marked a config key secret. The SDK's own check (its Config.get warns with
 * it) is @internal: not in its typings, hence the typed require. Without it every key counts as
 * plaintext, which errs on the side of a policy finding.
 */
function isConfigSecret(key: string): boolean {
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  return runtimeConfig.isConfigSecret?.(key) ?? false;
}

export const PLAINTEXT_CREDENTIALS_OUTPUT = "plaintextCredentials";

/** `entries` maps full config keys (`switchyard:analysis`) to their parsed values, as the program gets them. */
export function plaintextCredentialsOf(entries: Readonly<Record<string, unknown>>, isSecretKey: (key: string) => boolean = isConfigSecret): string[] {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (key.startsWith(`${NAMESPACE}:`) && !isSecretKey(key)) plain[key.slice(NAMESPACE.length + 1)] = value;
  }
  return plaintextCredentials(plain);
}
