/**
 * libpq connection strings (`host=127.0.0.1 port=5432 user=...`), as a replica's
 * primary_conninfo holds them, and the loopback postgres:// URLs the stores are named by.
 */

/** Parses `key=value` pairs; values may be single-quoted with backslash escapes. */
export function parseConninfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null && match[0].length > 0) {
    out[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
  }
  return out;
}

/** The reverse, every value quoted (a password may hold spaces or quotes). */
export function formatConninfo(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}='${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`)
    .join(" ");
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Host and port of a postgres:// URL (5432 when it names none). */
export function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432) };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/;

/** Why `url` cannot name a local store, or undefined when it can. */
export function invalidStoreUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") return `must be a postgres:// URL, not ${parsed.protocol}//`;
  if (!LOOPBACK.test(parsed.hostname)) return `must name a loopback address (the local target never leaves this machine), not ${parsed.hostname}`;
  return undefined;
}

/** The region whose store listens on `endpoint`, or null when none does. */
export function regionAt(stores: Readonly<Record<string, { readonly url: string }>>, endpoint: Endpoint): string | null {
  const same = (a: string, b: string) => a === b || (isLocalhost(a) && isLocalhost(b));
  for (const [region, store] of Object.entries(stores)) {
    const at = endpointOf(store.url);
    if (at.port === endpoint.port && same(at.host, endpoint.host)) return region;
  }
  return null;
}

const isLocalhost = (host: string) => host === "localhost" || host === "127.0.0.1";
