/** Zod for settings that may hold a credential: plaintext, or a Pulumi secret (a Secret from mark.ts). */
import { z } from "zod";
import { Secret, type Secretable } from "./secret";

/**
 * `inner` for plaintext, or a Secret as is: its plaintext is checked nowhere before it is used,
 * so the driver never needs the engine (or the passphrase) to validate config. Issues of `inner`
 * keep their message and path.
 */
export function secretable(inner: z.ZodType<string>) {
  return z.unknown().transform((value, ctx): Secretable => {
    if (value instanceof Secret) return value;
    const result = inner.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: issue.input });
    return z.NEVER;
  });
}

/** What a setting that cannot be a secret says when it is one. */
export const NOT_SECRETABLE =
  "is encrypted, but only credentials can be secrets (analysis headers, command env values, URLs): store this value in plaintext, and encrypt just the credential with `pulumi config set --secret --path`";
