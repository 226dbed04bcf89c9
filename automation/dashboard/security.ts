/**
 * Who may read the dashboard and press its buttons, decided as a table (pure). As Jupyter does,
 * each run has a token that the command prints in the page's address; the first visit with it
 * sets a cookie for this port, so the token leaves the address bar. A button needs more:
 *  - the token again in a header (another site cannot set it on a cross-origin request without
 *    a preflight, which this server never allows),
 *  - an Origin, when the browser sends one, equal to this server's own,
 *  - a JSON body (a plain HTML form cannot send one).
 * Every request needs a Host this server answers to, which stops DNS rebinding.
 */
import { timingSafeEqual } from "node:crypto";

export const TOKEN_HEADER = "x-switchyard-token";
export const cookieName = (port: number) => `switchyard_dashboard_${port}`;

export interface RequestFacts {
  readonly method: string;
  readonly host?: string;
  readonly origin?: string;
  readonly contentType?: string;
  readonly cookieToken?: string;
  readonly headerToken?: string;
  readonly queryToken?: string;
}

export type Verdict =
  | { readonly allow: true; /** Set the cookie and send the browser to the same page without the token. */ readonly setCookie: boolean }
  | { readonly allow: false; readonly status: 400 | 401 | 403; readonly reason: string };

export interface Guard {
  readonly token: string;
  /** Host header values this server answers to: host:port for 127.0.0.1, localhost and its bind address. */
  readonly hosts: ReadonlySet<string>;
}

export function hostsFor(bindHost: string, port: number): Set<string> {
  const names = new Set(["127.0.0.1", "localhost", "[::1]", bindHost.includes(":") && !bindHost.startsWith("[") ? `[${bindHost}]` : bindHost]);
  return new Set([...names].map((name) => `${name}:${port}`));
}

export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const refuse = (status: 400 | 401 | 403, reason: string): Verdict => ({ allow: false, status, reason });

/** Reading: the page, its data and its event stream. */
export function judgeRead(guard: Guard, facts: RequestFacts): Verdict {
  if (!facts.host || !guard.hosts.has(facts.host.toLowerCase())) return refuse(400, `this dashboard answers to ${[...guard.hosts].join(", ")}, not "${facts.host ?? ""}"`);
  if (sameToken(facts.cookieToken, guard.token)) return { allow: true, setCookie: false };
  if (sameToken(facts.queryToken, guard.token)) return { allow: true, setCookie: true };
  return refuse(401, facts.queryToken || facts.cookieToken ? "wrong token: open the address `switchyard dashboard` printed" : "no token: open the address `switchyard dashboard` printed (it ends in ?token=...)");
}

/** Acting: a button's POST. */
export function judgeAction(guard: Guard, facts: RequestFacts): Verdict {
  if (facts.method !== "POST") return refuse(400, "actions are POST requests");
  const read = judgeRead(guard, { ...facts, queryToken: undefined });
  if (!read.allow && read.status === 400) return read;
  if (facts.origin !== undefined && !guard.hosts.has(hostOfOrigin(facts.origin))) return refuse(403, `cross-origin request from ${facts.origin} refused`);
  if (!sameToken(facts.headerToken, guard.token)) return refuse(401, `the ${TOKEN_HEADER} header must carry this run's token`);
  if (!read.allow) return refuse(401, read.reason);
  if (!/^application\/json\b/i.test(facts.contentType ?? "")) return refuse(400, "send the confirmation as JSON");
  return { allow: true, setCookie: false };
}

function hostOfOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" ? url.host.toLowerCase() : "";
  } catch {
    return "";
  }
}
