/**
 * Stack file values as the driver reads them, without the engine: each `{ secure: <ciphertext> }`
 * becomes a Secret naming its path, so that validation can accept it where a credential may go
 * and say so where one may not. The engine decrypts it later, where it is used (decrypt.ts).
 */
import { isEncrypted } from "./redact";
import type { Segment } from "./path";
import { Secret } from "./secret";

/** `values` maps keys of the `switchyard:` namespace (without it) to the stack file's values. */
export function markSecrets(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const visit = (value: unknown, segments: Segment[]): unknown => {
    if (isEncrypted(value)) return new Secret(segments);
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...segments, i]));
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...segments, k])]));
    }
    return value;
  };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, visit(value, [key])]));
}
