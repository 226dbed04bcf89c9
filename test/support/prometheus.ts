/**
 * A throwaway Prometheus server for tests of the prometheus metric provider: a free loopback
 * port, a temp dir for its TSDB and a generated config scraping the given targets every second.
 * Never the package's own service (:9090, /var/lib/prometheus). Fails (never skips) naming what
 * is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "./ports";

export interface PrometheusOptions {
  /** host:port of each HTTP endpoint to scrape. */
  readonly targets: readonly string[];
  /** @default "/metrics" */
  readonly metricsPath?: string;
}

/** One series of an instant vector, as the query API sends it. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface PrometheusServer {
  readonly port: number;
  /** Base URL, as a prometheus metric's `address`. */
  readonly url: string;
  /**
   * Polls the query API until `query` gives at least one series, and returns them. Scrapes come
   * once a second, so data lags what the targets served; this waits for it instead of sleeping.
   */
  waitForSeries(query: string, timeoutMs?: number): Promise<Sample[]>;
  stop(): Promise<void>;
}

const SCRAPE_INTERVAL = "1s";

/** The config file: JSON, which is YAML too, so no quoting rules to get wrong. */
export function renderPrometheusConfig(options: PrometheusOptions): string {
  for (const target of options.targets) {
    if (!/^[^\s/:]+:\d+$/.test(target)) throw new Error(`scrape target "${target}" must be host:port`);
  }
  return `${JSON.stringify(
    {
      global: { scrape_interval: SCRAPE_INTERVAL, scrape_timeout: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
      scrape_configs: [{ job_name: "test", metrics_path: options.metricsPath ?? "/metrics", static_configs: [{ targets: options.targets }] }],
    },
    null,
    2,
  )}\n`;
}

/** Set-up's search (PATH, then /usr/bin/prometheus); plain JavaScript, loaded by URL and typed here. */
async function findPrometheusBinary(): Promise<string> {
  const url = pathToFileURL(path.join(__dirname, "..", "..", "bootstrap", "ensure-prometheus.mjs")).href;
  const bootstrap = (await import(url)) as { findPrometheus(): { path: string; version: string } | undefined };
  const found = bootstrap.findPrometheus();
  if (!found) {
    throw new Error("Prometheus is needed for the prometheus provider's tests: `prometheus` is neither on PATH nor at /usr/bin/prometheus; install it with: apt-get install -y --no-install-recommends prometheus (or run: node bootstrap/ensure-prometheus.mjs)");
  }
  return found.path;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exited, or never started (a failed spawn has no pid and sends no exit event). */
function exited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

async function waitUntilReady(child: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`prometheus exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was ready: ${log()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await pause(100);
  }
  throw new Error(`prometheus did not become ready at ${url}/-/ready within 30 s (${last}): ${log()}`);
}

interface QueryAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The series of an instant query; undefined when Prometheus did not answer (worth retrying). */
async function instantVector(url: string, query: string): Promise<Sample[] | undefined> {
  let answer: QueryAnswer;
  try {
    const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`, { signal: AbortSignal.timeout(2000) });
    answer = (await response.json()) as QueryAnswer;
  } catch {
    return undefined;
  }
  // A query Prometheus rejects will not get better by waiting: the test is wrong, say so now.
  if (answer.status !== "success") throw new Error(`prometheus rejected the query ${query}: ${answer.error ?? "no reason given"}`);
  if (answer.data?.resultType !== "vector") throw new Error(`query ${query} gave a ${answer.data?.resultType}, not an instant vector`);
  return answer.data.result as Sample[];
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = await findPrometheusBinary();
  const config = renderPrometheusConfig(options);
  const dir = mkdtempSync(path.join(tmpdir(), "sy-prom-"));
  const configFile = path.join(dir, "prometheus.yml");
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"];
  const child = spawn(binary, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (log = (log + chunk).slice(-4000)));
  // A failed spawn (e.g. EACCES) comes as an event; keep it for the error instead of crashing.
  child.on("error", (error) => (log += `\n${error.message}`));

  const stop = async () => {
    if (!exited(child)) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      // Prometheus flushes its TSDB on SIGTERM; a test's data is worth nothing, so do not wait long.
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(child, url, () => log);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port,
    url,
    async waitForSeries(query, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "no answer yet";
      while (Date.now() < deadline) {
        if (exited(child)) throw new Error(`prometheus exited while waiting for ${query}: ${log}`);
        const series = await instantVector(url, query);
        if (series && series.length > 0) return series;
        if (series) last = "answered with no series";
        await pause(200);
      }
      throw new Error(`prometheus at ${url} had no series for ${query} within ${timeoutMs} ms (${last}); it scrapes ${options.targets.join(", ")} every ${SCRAPE_INTERVAL}`);
    },
    stop,
  };
}
