/**
 * Proves that the stack's secrets provider works with what this process was given (passphrase,
 * KMS credentials, backend) before anything is written: the engine encrypts a value with the
 * provider the stack's state names. A state export does not prove it: it decrypts nothing, so it
 * succeeds with a wrong passphrase.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { EngineError, SecretsError } from "../../model/errors";
import type { OpenedStack } from "../workspace";

interface SecretsProviders {
  readonly type?: string;
  readonly state?: { readonly salt?: string; readonly url?: string; readonly encryptedkey?: string };
}

/**
 * The lines of a throwaway stack config file that make the engine open the state's own secrets
 * provider; undefined when the state names none (nothing to check).
 */
export function providerConfigLines(providers: SecretsProviders | undefined): string | undefined {
  if (!providers?.type) return undefined;
  if (providers.type === "passphrase") return providers.state?.salt ? `encryptionsalt: ${providers.state.salt}\n` : undefined;
  if (providers.type === "cloud" && providers.state?.url) {
    return `secretsprovider: ${providers.state.url}\n${providers.state.encryptedkey ? `encryptedkey: ${providers.state.encryptedkey}\n` : ""}`;
  }
  // "service" (the Pulumi Cloud backend's own) and others: the engine asks the backend.
  return "";
}

export async function verifySecretsProvider(opened: OpenedStack, exported: Deployment): Promise<void> {
  const lines = providerConfigLines((exported.deployment as { secrets_providers?: SecretsProviders } | undefined)?.secrets_providers);
  if (lines === undefined) return;
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-secrets-"));
  const file = path.join(dir, "check.yaml");
  try {
    writeFileSync(file, lines, { mode: 0o600 });
    await opened.direct("checking the stack's secrets provider", ["config", "set", "--secret", "switchyard:secretsCheck", "ok", "--config-file", file]);
  } catch (error) {
    if (error instanceof EngineError && /incorrect passphrase/i.test(error.message)) {
      throw new SecretsError(
        `the passphrase given for stack "${opened.stackName}" does not decrypt its secrets (incorrect passphrase); nothing was changed`,
        "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase the stack was created with",
      );
    }
    if (error instanceof EngineError) {
      throw new SecretsError(`the secrets provider of stack "${opened.stackName}" could not be used; nothing was changed: ${error.message}`, "check the backend and the secrets provider's credentials, then run the command again");
    }
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
