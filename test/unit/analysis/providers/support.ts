/** Shared pieces of the provider tests: loopback HTTP servers, parsed specs, a context. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { metricSchema, type MetricSpecOf, type ProviderType } from "../../../../model/config/analysis";
import type { AnalysisContext } from "../../../../automation/analysis/types";

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<LocalServer> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A metric spec as the schema makes it (defaults filled in), for one provider type. */
export function specOf<T extends ProviderType>(type: T, input: Record<string, unknown>): MetricSpecOf<T> {
  const { provider, ...rest } = input;
  const spec = metricSchema.parse({ name: "m", ...rest, provider: { type, ...(provider as object) } });
  if (spec.provider.type !== type) throw new Error("unreachable");
  return spec as MetricSpecOf<T>;
}

export function context(overrides: Partial<AnalysisContext> = {}): AnalysisContext {
  return {
    stack: "test",
    service: "hello",
    canarySlot: "green",
    stableSlot: "blue",
    weights: { blue: 80, green: 20 },
    slotEndpoints: {},
    ...overrides,
  };
}

export const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
