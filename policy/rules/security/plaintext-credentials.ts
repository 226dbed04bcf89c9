/**
 * Credentials in a stack's config are Pulumi secrets: in plaintext they sit in git, in the
 * engine's history and in every copy of both. The program exports the paths of plaintext ones
 * (stack output `plaintextCredentials`, never a value); the `local` stack is exempt.
 */
import { violation } from "../../lib/finding";
import { stackRule } from "../../lib/rule";
import { STACK } from "../../lib/types";
import { list, str } from "../../lib/values";

interface Config {
  exemptStacks: string[];
}

export const PLAINTEXT_CREDENTIALS_OUTPUT = "plaintextCredentials";

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → the stack. */
const stackOfUrn = (urn: string) => urn.split("::")[0]?.split(":")[2];

export const securityPlaintextCredentials = stackRule<Config>({
  name: "security-no-plaintext-credentials",
  description: "Credentials in stack config (analysis headers, env values, URLs with tokens) are Pulumi secrets, not plaintext.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Encrypt each one: pulumi config set --secret --path 'switchyard:<key>' --stack <stack> (README.md, Secrets).",
  defaults: { exemptStacks: ["local"] },
  schema: { exemptStacks: { type: "array", items: { type: "string" }, description: "stacks whose plaintext credentials are allowed (development passphrases)" } },
  check(resources, config, report) {
    const root = resources.find((r) => r.type === STACK);
    if (!root) return;
    const stack = stackOfUrn(root.urn);
    if (stack !== undefined && config.exemptStacks.includes(stack)) return;
    for (const key of list(root.props[PLAINTEXT_CREDENTIALS_OUTPUT]).map(str).filter((k): k is string => k !== undefined)) {
      report(
        violation(`switchyard:${key} holds a credential in plaintext`, `encrypt it: pulumi config set --secret --path 'switchyard:${key}' --stack ${stack ?? "<stack>"} (type the value when asked)`),
        root.urn,
      );
    }
  },
});
