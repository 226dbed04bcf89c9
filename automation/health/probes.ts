/**
 * The effectful edge of the health check: HTTP requests, HAProxy's runtime API, /proc, and the
 * engine's lock files. Each probe turns a failure into data (an Answer with an error, an
 * observation that says "not running") so that the assessment sees everything at once.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { configDigest } from "../../components/local/haproxy-config";
import { isRunning } from "../../components/local/processes";
import { serverStats } from "../../components/local/runtime-api";
import type { Slot } from "../../model/weights";
import { isStaleHere } from "../recovery/stale-lock";
import type { Answer, ServerObservation } from "./model";

/** One GET; never throws. The body's `slot` and `version` are kept when it is the sample service's JSON. */
export function getAnswer(url: string, timeoutMs = 2000): Promise<Answer> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `not a URL: ${url}` });
      return;
    }
    const request = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(target, { method: "GET", timeout: timeoutMs, agent: false, headers: { "user-agent": "switchyard-health" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body = body.length < 65_536 ? body + chunk : body));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ...identityOf(body) }));
      res.on("error", (error) => resolve({ error: error.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end();
  });
}

function identityOf(body: string): Pick<Answer, "slot" | "version"> {
  try {
    const parsed = JSON.parse(body) as { slot?: unknown; version?: unknown };
    return {
      ...(typeof parsed.slot === "string" ? { slot: parsed.slot } : {}),
      ...(typeof parsed.version === "string" ? { version: parsed.version } : {}),
    };
  } catch {
    return {};
  }
}

/** `count` requests one after the other: with a split, several show which slots answer. */
export async function probeEndpoint(url: string, count: number, timeoutMs = 2000): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await getAnswer(url, timeoutMs));
  return answers;
}

/** HAProxy's servers of one backend, by slot name; or why they cannot be read. */
export async function probeProxy(socketPath: string, backend: string): Promise<{ servers: Partial<Record<Slot, ServerObservation>> } | { error: string }> {
  try {
    const stats = await serverStats(socketPath, backend);
    const servers: Partial<Record<Slot, ServerObservation>> = {};
    for (const stat of stats) if (stat.server === "blue" || stat.server === "green") servers[stat.server] = { status: stat.status, weight: stat.weight };
    return { servers };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A pid is alive only when its command line still carries the marker (pids get reused). */
export function processAlive(pid: number | undefined, marker: string): boolean {
  return isRunning(pid, marker);
}

export interface EngineLock {
  readonly holder: string;
  readonly stale: boolean;
}

/**
 * The engine's lock on a stack of a file:// backend, read without taking it (a `pulumi cancel`
 * or an update would). Other backends: `undefined` (not checked).
 */
export function readFileBackendLock(backendUrl: string, project: string, stack: string): { checked: boolean; lock?: EngineLock } {
  if (!backendUrl.startsWith("file://")) return { checked: false };
  const dir = path.join(fileURLToPath(backendUrl), ".pulumi", "locks", "organization", project, stack);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return { checked: true };
  }
  for (const name of names) {
    try {
      const content = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as { pid?: number; username?: string; hostname?: string };
      if (typeof content.pid !== "number" || !content.hostname) continue;
      const holder = { user: content.username ?? "?", host: content.hostname, pid: content.pid };
      return { checked: true, lock: { holder: `${holder.user}@${holder.host} pid ${holder.pid}`, stale: isStaleHere(holder) } };
    } catch {
      // a lock file being written or removed right now
    }
  }
  return { checked: true };
}

/** sha256 of a file as the local target's HAProxy provider digests its configuration. */
export function digestOnDisk(path: string): string {
  return existsSync(path) ? configDigest(readFileSync(path, "utf8")) : "missing";
}
