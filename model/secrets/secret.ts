/**
 * A credential from stack config, kept wrapped from the stack file to the one call that sends it.
 * The stack file holds `{ secure: <ciphertext> }`; the driver validates config without the engine,
 * so a Secret starts as a reference to its config path and gets its value only where it is used
 * (decrypt.ts). Every way of printing it (String, JSON, util.inspect) gives "[secret]", so a
 * Secret that ends up in a record, report or error by mistake still shows nothing.
 */
import { inspect } from "node:util";
import { formatPath, type Segment } from "./path";

export const REDACTED = "[secret]";

export class Secret {
  readonly #value: string | undefined;
  constructor(
    /** Where it sits under the `switchyard:` namespace: `["analysis", "metrics", 0, "provider", "url"]`. */
    readonly segments: readonly Segment[],
    value?: string,
  ) {
    this.#value = value;
  }

  /** The key in Pulumi's `--path` syntax, without the namespace: `analysis.metrics[0].provider.url`. */
  get path(): string {
    return formatPath(this.segments);
  }

  get decrypted(): boolean {
    return this.#value !== undefined;
  }

  /** The plaintext; only for the call that sends it (a header, an env var, a URL to fetch). */
  reveal(): string {
    if (this.#value === undefined) throw new Error(`switchyard:${this.path} is a secret that was not decrypted before use`);
    return this.#value;
  }

  withValue(value: string): Secret {
    return new Secret(this.segments, value);
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** A setting that may be given in plaintext or as a Pulumi secret. */
export type Secretable = string | Secret;

export const isSecret = (value: unknown): value is Secret => value instanceof Secret;

/** The value to send. */
export const plain = (value: Secretable): string => (typeof value === "string" ? value : value.reveal());

/** Header or env maps, ready to send. */
export function plainRecord(values: Readonly<Record<string, Secretable>> | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, plain(v)]));
}

/** Every decrypted plaintext inside `tree`, longest first (so a scrub replaces whole values). */
export function secretValues(tree: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (value instanceof Secret) {
      if (value.decrypted && value.reveal().length > 0) found.add(value.reveal());
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  visit(tree);
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of the given plaintexts: the last line of defence for free text (a script's stderr, an error message). */
export function scrub(text: string, values: readonly string[]): string {
  return values.reduce((acc, value) => acc.split(value).join(REDACTED), text);
}

/** Every Secret inside `tree` (unresolved ones included). */
export function secretsIn(tree: unknown): Secret[] {
  const out: Secret[] = [];
  const visit = (value: unknown): void => {
    if (value instanceof Secret) out.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  visit(tree);
  return out;
}

/** `tree` with each Secret replaced by `swap(secret)`; plain objects and arrays are copied, nothing else is touched. */
export function mapSecrets<T>(tree: T, swap: (secret: Secret) => Secret): T {
  const visit = (value: unknown): unknown => {
    if (value instanceof Secret) return swap(value);
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    }
    return value;
  };
  return visit(tree) as T;
}
