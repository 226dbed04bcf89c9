/**
 * Credentials written in plaintext in a stack file: found by where they sit and what they are
 * called, never by their value (a header named Authorization, an env var named API_TOKEN, a URL
 * with a password or a token in its query). Only key paths leave this module.
 */
import { formatPath, type Segment } from "./path";
import { isEncrypted } from "./redact";
import { isSecret } from "./secret";

/** Names of headers, env vars, keys and query parameters that usually hold a credential. */
const CREDENTIAL_NAME = /auth|token|secret|password|passwd|passphrase|credential|api[-_]?key|access[-_]?key|private[-_]?key|cookie|session|signature|^sig$|bearer/i;

/** A URL carrying a password, or a query parameter named like a credential. */
export function urlHasCredential(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.password !== "") return true;
  return [...url.searchParams.keys()].some((name) => CREDENTIAL_NAME.test(name));
}

function isCredential(value: string, segments: readonly Segment[]): boolean {
  const key = segments.at(-1);
  const parent = segments.at(-2);
  if (typeof key === "string" && CREDENTIAL_NAME.test(key)) return true;
  // Any header or env var can carry one, but only these names say so; "Accept: json" is no credential.
  if (parent === "headers" || parent === "env") return false;
  return urlHasCredential(value);
}

/**
 * Paths (Pulumi `--path` syntax, without the namespace) of plaintext credentials in the
 * `switchyard:` values of a stack file. Encrypted values are skipped.
 */
export function plaintextCredentials(values: Readonly<Record<string, unknown>>): string[] {
  const found: string[] = [];
  const visit = (value: unknown, segments: Segment[]): void => {
    if (isSecret(value) || isEncrypted(value)) return;
    if (typeof value === "string") {
      if (isCredential(value, segments)) found.push(formatPath(segments));
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, i]));
    else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) visit(v, [...segments, k]);
  };
  for (const [key, value] of Object.entries(values)) visit(value, [key]);
  return found;
}
