/**
 * The dashboard's HTTP server (Hono on Node): the page, its assets, the snapshot as JSON, live
 * updates as server-sent events, and the buttons' POSTs. Every request passes security.ts's
 * judgement first; a button runs the control command as its own process (actions.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { PROJECT_ROOT } from "../../model/toolchain";
import type { ActionRun, ActionStarter } from "./actions";
import type { DashboardHub, DashboardUpdate } from "./hub";
import { chartData, dashboardPage, pipelineSummary, refusalPage, stackSummary } from "./page";
import { cookieName, hostsFor, judgeAction, judgeRead, TOKEN_HEADER, type Guard, type RequestFacts } from "./security";
import { isDashboardAction } from "./view";

/** Files the page loads, by the name it asks for: our own, and Chart.js from the npm package. */
const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "dashboard.js": { file: path.join(PROJECT_ROOT, "automation", "dashboard", "assets", "dashboard.js"), type: "text/javascript; charset=utf-8" },
  "dashboard.css": { file: path.join(PROJECT_ROOT, "automation", "dashboard", "assets", "dashboard.css"), type: "text/css; charset=utf-8" },
  "timeline-charts.js": { file: path.join(PROJECT_ROOT, "automation", "report", "assets", "timeline-charts.js"), type: "text/javascript; charset=utf-8" },
  "chart.umd.js": { file: path.join(PROJECT_ROOT, "node_modules", "chart.js", "dist", "chart.umd.js"), type: "text/javascript; charset=utf-8" },
};

/** Scripts and styles from this server only; no frames, no forms posting anywhere, no referrer (the token is in the first address). */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "X-Frame-Options": "DENY",
};

const actionBody = z.strictObject({
  confirm: z.string({ message: "must be the stack's name, typed or confirmed by a person" }),
  rollout: z.string({ message: "must be the id of the rollout the page showed" }),
});

export interface DashboardServerOptions {
  readonly hub: DashboardHub;
  readonly guard: Omit<Guard, "hosts">;
  readonly readOnly: boolean;
  readonly startAction: ActionStarter;
  readonly host: string;
  readonly port: number;
  /** Sends a comment line this often so that proxies and browsers keep the stream open. */
  readonly keepAliveMs?: number;
}

export interface RunningDashboard {
  readonly url: string;
  readonly port: number;
  readonly runs: readonly ActionRun[];
  close(): Promise<void>;
}

function factsOf(c: Context, port: number): RequestFacts {
  return {
    method: c.req.method,
    host: c.req.header("host"),
    origin: c.req.header("origin"),
    contentType: c.req.header("content-type"),
    cookieToken: getCookie(c, cookieName(port)),
    headerToken: c.req.header(TOKEN_HEADER),
    queryToken: c.req.query("token"),
  };
}

interface StreamEvent {
  readonly event: "stack" | "pipeline";
  readonly data: string;
}

/** What the event stream sends: a stack's summary fragment and chart data, or a pipeline's fragment. */
function eventOf(update: DashboardUpdate, readOnly: boolean): StreamEvent {
  if (update.kind === "pipeline") return { event: "pipeline", data: JSON.stringify({ name: update.snapshot.name, html: pipelineSummary(update.snapshot) }) };
  return { event: "stack", data: JSON.stringify({ ...chartData(update.snapshot), html: stackSummary(update.snapshot, { readOnly }) }) };
}

export function buildApp(options: DashboardServerOptions & { readonly guard: Guard; readonly runs: ActionRun[]; readonly boundPort: () => number }): Hono {
  const { hub, guard, readOnly, runs } = options;
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });

  // Reading needs the token (the cookie, or once in the address); acting is judged on its own route.
  app.use(async (c, next) => {
    if (c.req.method === "POST") return next();
    const verdict = judgeRead(guard, factsOf(c, options.boundPort()));
    if (!verdict.allow) return c.html(refusalPage(verdict.status, verdict.reason), verdict.status);
    if (verdict.setCookie) {
      setCookie(c, cookieName(options.boundPort()), guard.token, { httpOnly: true, sameSite: "Strict", path: "/" });
      // The token leaves the address bar (and the history) once the cookie holds it.
      if (c.req.path === "/") return c.redirect("/", 303);
    }
    return next();
  });

  app.get("/", (c) => c.html(dashboardPage(hub.snapshots(), { readOnly, token: readOnly ? undefined : guard.token }, hub.pipelineSnapshots())));

  app.get("/assets/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.text("no such asset", 404);
    return c.body(readFileSync(asset.file), 200, { "Content-Type": asset.type });
  });

  app.get("/api/snapshot", (c) => c.json({ read_only: readOnly, stacks: hub.snapshots(), pipelines: hub.pipelineSnapshots() }));

  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      const queue: (StreamEvent | "keep-alive")[] = [
        ...hub.pipelineSnapshots().map((snapshot) => eventOf({ kind: "pipeline", snapshot }, readOnly)),
        ...hub.snapshots().map((snapshot) => eventOf({ kind: "stack", snapshot }, readOnly)),
      ];
      let wake: (() => void) | undefined;
      const unsubscribe = hub.subscribe((update) => {
        queue.push(eventOf(update, readOnly));
        wake?.();
      });
      const keepAlive = setInterval(() => {
        queue.push("keep-alive");
        wake?.();
      }, options.keepAliveMs ?? 15_000);
      stream.onAbort(() => {
        unsubscribe();
        clearInterval(keepAlive);
        wake?.();
      });
      try {
        while (!stream.aborted) {
          const next = queue.shift();
          if (next === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          if (next === "keep-alive") await stream.write(": keep-alive\n\n");
          else await stream.writeSSE(next);
        }
      } finally {
        unsubscribe();
        clearInterval(keepAlive);
      }
    }),
  );

  app.post("/api/stacks/:stack/actions/:action", async (c) => {
    if (readOnly) return c.json({ error: { message: "this dashboard runs with --read-only: it has no actions", fix: "run the command in a terminal, or start the dashboard without --read-only" } }, 403);
    const verdict = judgeAction(guard, factsOf(c, options.boundPort()));
    if (!verdict.allow) return c.json({ error: { message: verdict.reason } }, verdict.status);
    const stack = c.req.param("stack");
    const action = c.req.param("action");
    if (!isDashboardAction(action)) return c.json({ error: { message: `unknown action "${action}"`, fix: "one of pause, resume, promote, promote-full, abort" } }, 404);
    const snapshot = hub.snapshot(stack);
    if (!snapshot) return c.json({ error: { message: `this dashboard does not show a stack "${stack}"` } }, 404);
    const parsed = actionBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: { message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), fix: 'send {"confirm": "<stack>", "rollout": "<rollout id>"}' } }, 400);
    if (parsed.data.confirm !== stack) return c.json({ error: { message: `confirm must be the stack's name "${stack}"` } }, 400);
    // The person saw a rollout and its buttons: act only if that is still the rollout, in a state where the action applies.
    await hub.poke(stack);
    const rollout = hub.snapshot(stack)?.rollout;
    if (!rollout || rollout.id !== parsed.data.rollout || !rollout.actions.includes(action)) {
      const now = rollout ? `rollout ${rollout.id} is ${rollout.status}` : "no rollout is recorded";
      return c.json({ error: { message: `${action} does not apply now: ${now}`, fix: "look at the page again (it has been updated) and choose again" } }, 409);
    }
    const run = options.startAction(stack, action);
    runs.push(run);
    return c.json({ run }, 202);
  });

  return app;
}

/** Starts the server; resolves once it listens (port 0 picks a free one). */
export function startDashboardServer(options: DashboardServerOptions): Promise<RunningDashboard> {
  const runs: ActionRun[] = [];
  let port = options.port;
  // Filled once the port is known (port 0 picks one); nothing is served before that.
  const hosts = new Set<string>();
  const guard: Guard = { token: options.guard.token, hosts };
  const app = buildApp({ ...options, guard, runs, boundPort: () => port });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    const server: ServerType = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      port = info.port;
      for (const host of hostsFor(options.host, port)) hosts.add(host);
      server.off("error", onError);
      const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${shown}:${port}/`,
        port,
        runs,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Event streams stay open until closed from this side.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once("error", onError);
  });
}
