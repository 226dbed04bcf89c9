/**
 * The one rule for what user input may be echoed: drift reports (drift/properties.ts) and config
 * errors (config.ts) both use it. A value is withheld when it is a secret (a Pulumi secret, a
 * stack file's `{ secure: ... }`, a Secret) or sits under a name that usually holds one.
 */
import { joinPath } from "./path";
import { isSecret, REDACTED } from "./secret";

export { REDACTED };

/** Names whose values are treated as secret even when not marked. */
export const SECRET_NAME = /secret|password|passphrase|token|api[-_]?key|private|credential|authorization|cookie|headers/i;
/** Config only: every value of an environment map (`provider.env.X`) may be a credential. */
const ENV_SEGMENT = /(^|[.\]])env([.[]|$)/;
/** Pulumi's marker for a secret value in serialized properties. */
export const PULUMI_SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A stack file's encrypted value: `{ secure: "v1:..." }`. */
export function isEncrypted(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

export function isSecretMarker(value: unknown): boolean {
  return value === REDACTED || isSecret(value) || isEncrypted(value) || (typeof value === "object" && value !== null && PULUMI_SECRET_SIG in value);
}

const secretPath = (path: string) => SECRET_NAME.test(path) || ENV_SEGMENT.test(path);

/** A copy of user input fit to print: secrets, secret-named keys and env values become [secret]. */
export function redactInput(value: unknown, path = ""): unknown {
  if (isSecretMarker(value)) return REDACTED;
  if (value !== undefined && path !== "" && secretPath(path)) return REDACTED;
  if (typeof value === "string") return redactUrlText(value);
  if (Array.isArray(value)) return value.map((v, i) => redactInput(v, joinPath(path, i)));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactInput(v, joinPath(path, k))]));
  }
  return value;
}

/** One short line echoing a user's value in an error, redacted; undefined when there is none. */
export function describeInput(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  const redacted = redactInput(value, path);
  if (redacted === REDACTED) return REDACTED;
  const text = JSON.stringify(redacted) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** User info and query strings of anything URL-shaped: they may carry passwords and tokens. */
export function redactUrlText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${REDACTED}@`).replace(/^([a-z][a-z0-9+.-]*:\/\/[^?#\s]*)\?\S*/i, `$1?${REDACTED}`);
}
