import { request } from "node:http";

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

/** One HTTP GET with a timeout; resolves undefined when nothing answers. */
export function httpGet(url: string, timeoutMs = 2000): Promise<ProbeResult | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}
