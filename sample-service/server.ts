/**
 * The sample service the local target deploys: an HTTP server that reports its version and slot.
 * FAILURE_RATE (0..1) makes that share of requests to `/` answer 500, spread evenly and
 * deterministically (rate 0.2 fails exactly every fifth request), for testing bad releases.
 * `/healthz` stays healthy so that HAProxy keeps the server in rotation, as a real bad release
 * with a passing liveness check would be.
 */
import { createServer } from "node:http";

export interface ServiceSettings {
  readonly name: string;
  readonly version: string;
  readonly slot: string;
  readonly host: string;
  readonly port: number;
  readonly failureRate: number;
  readonly latencyMs: number;
  /** The region it runs in (a two-region local stack); absent, answers carry no region. */
  readonly region?: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): ServiceSettings {
  const port = Number(env.PORT);
  const failureRate = Number(env.FAILURE_RATE ?? "0");
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port, got ${env.PORT}`);
  if (!(failureRate >= 0 && failureRate <= 1)) throw new Error(`FAILURE_RATE must be within 0..1, got ${env.FAILURE_RATE}`);
  return {
    name: env.SERVICE_NAME ?? "sample",
    version: env.SERVICE_VERSION ?? "0.0.0",
    slot: env.SLOT ?? "blue",
    host: env.HOST ?? "127.0.0.1",
    port,
    failureRate,
    latencyMs: Number(env.LATENCY_MS ?? "0") || 0,
    ...(env.SWITCHYARD_REGION ? { region: env.SWITCHYARD_REGION } : {}),
  };
}

/** Deterministic failure spreading: request n fails when floor(n*rate) grows. */
export function shouldFail(requestNumber: number, failureRate: number): boolean {
  return Math.floor(requestNumber * failureRate) > Math.floor((requestNumber - 1) * failureRate);
}

export function startService(settings: ServiceSettings) {
  let served = 0;
  const server = createServer((req, res) => {
    const identity = { service: settings.name, version: settings.version, slot: settings.slot, ...(settings.region ? { region: settings.region } : {}) };
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok", ...identity }));
      return;
    }
    served += 1;
    const fail = shouldFail(served, settings.failureRate);
    const reply = () => {
      res.writeHead(fail ? 500 : 200, { "content-type": "application/json", "x-served-by": settings.slot });
      res.end(JSON.stringify(fail ? { error: "injected failure", ...identity } : identity));
    };
    if (settings.latencyMs > 0) setTimeout(reply, settings.latencyMs);
    else reply();
  });
  server.keepAliveTimeout = 5000;
  server.listen(settings.port, settings.host);
  return server;
}

if (require.main === module) {
  const server = startService(settingsFromEnv(process.env));
  // Finish requests in flight, then exit: a stopped slot drops no request it accepted.
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
