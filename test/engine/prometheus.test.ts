/**
 * The prometheus metric provider against a real Prometheus scraping HAProxy's built-in exporter,
 * all on loopback. HAProxy (its own, config in a temp dir) sends /blue/ and /green/ to two
 * backends, be_blue and be_green, each one node:http server that fails a known share of requests;
 * a second frontend serves /metrics with `use-service prometheus-exporter`. Real requests go
 * through HAProxy; the provider's error share must be what the servers really answered.
 *
 * Metric names checked against the exporter's output (HAProxy 2.6):
 * haproxy_backend_http_responses_total{proxy="be_blue",code="1xx"|"2xx"|...|"5xx"|"other"}.
 */
import { readToolchain } from "../../model/toolchain";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { httpGet } from "../../components/local/http-probe";
import { createPrometheusProvider } from "../../automation/analysis/providers/prometheus";
import { runAnalysis } from "../../automation/analysis/run";
import { metricSchema } from "../../model/config/analysis";
import type { AnalysisContext } from "../../automation/analysis/types";
import { freePort, freePorts } from "../support/ports";
import { startPrometheus, type PrometheusServer } from "../support/prometheus";
import { context, listen, specOf, type LocalServer } from "../unit/analysis/providers/support";


/** Set-up's HAProxy (it records the path in .switchyard/toolchain.json). */
const haproxyBinary = () => readToolchain().haproxy;

/** One slot's server: answers 500 to every `failEvery`-th request (0: never), 200 otherwise. */
class Upstream {
  requests = 0;
  errors = 0;
  server: LocalServer | undefined;

  constructor(readonly failEvery: number) {}

  async start(): Promise<number> {
    this.server = await listen((_req, res) => {
      this.requests += 1;
      const fail = this.failEvery > 0 && this.requests % this.failEvery === 0;
      if (fail) this.errors += 1;
      res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" }).end(fail ? "boom" : "ok");
    });
    return this.server.port;
  }

  get share(): number {
    return this.errors / this.requests;
  }
}

function haproxyConfig(ports: { traffic: number; metrics: number; blue: number; green: number; idle: number }): string {
  return `global
  maxconn 256
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend fe_metrics
  bind 127.0.0.1:${ports.metrics}
  http-request use-service prometheus-exporter if { path /metrics }
  http-request deny
frontend fe_traffic
  bind 127.0.0.1:${ports.traffic}
  use_backend be_green if { path_beg /green/ }
  use_backend be_idle if { path_beg /idle/ }
  default_backend be_blue
backend be_blue
  server blue 127.0.0.1:${ports.blue}
backend be_green
  server green 127.0.0.1:${ports.green}
backend be_idle
  server idle 127.0.0.1:${ports.idle}
`;
}

/** The error share a user would write: 5xx responses over all responses of the canary's backend. */
const ERROR_SHARE =
  'sum(rate(haproxy_backend_http_responses_total{proxy="be_{{canarySlot}}",code="5xx"}[1m])) / sum(rate(haproxy_backend_http_responses_total{proxy="be_{{canarySlot}}"}[1m]))';

describe("analysis provider: prometheus (real Prometheus scraping HAProxy's exporter on loopback)", function () {
  this.timeout(60_000);
  const blue = new Upstream(20);
  const green = new Upstream(2);
  const idle = new Upstream(0);
  let dir: string | undefined;
  let haproxy: ChildProcess | undefined;
  let haproxyLog = "";
  let prometheus: PrometheusServer | undefined;
  let trafficUrl: string;

  before(async () => {
    const binary = haproxyBinary();
    const [traffic, metrics] = await freePorts(2);
    const ports = { traffic: traffic!, metrics: metrics!, blue: await blue.start(), green: await green.start(), idle: await idle.start() };
    trafficUrl = `http://127.0.0.1:${ports.traffic}`;
    dir = mkdtempSync(path.join(tmpdir(), "sy-prom-haproxy-"));
    const file = path.join(dir, "haproxy.cfg");
    writeFileSync(file, haproxyConfig(ports));
    haproxy = spawn(binary, ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
    haproxy.stdout!.setEncoding("utf8").on("data", (chunk: string) => (haproxyLog += chunk));
    haproxy.stderr!.setEncoding("utf8").on("data", (chunk: string) => (haproxyLog += chunk));
    const exporter = `http://127.0.0.1:${ports.metrics}/metrics`;
    const deadline = Date.now() + 10_000;
    while ((await httpGet(exporter, 1000))?.status !== 200) {
      if (haproxy.exitCode !== null) throw new Error(`haproxy exited with code ${haproxy.exitCode}: ${haproxyLog}`);
      if (Date.now() > deadline) throw new Error(`haproxy's exporter did not answer at ${exporter} within 10 s: ${haproxyLog}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    prometheus = await startPrometheus({ targets: [`127.0.0.1:${ports.metrics}`] });
    // One scrape before any traffic: every counter's first sample is 0, so rate() over the
    // window counts every request sent below.
    await prometheus.waitForSeries('haproxy_backend_http_responses_total{proxy="be_idle"}');

    for (let i = 0; i < 100; i++) {
      for (const slot of ["blue", "green"]) {
        const answer = await httpGet(`${trafficUrl}/${slot}/`);
        assert.ok(answer, `HAProxy did not answer /${slot}/: ${haproxyLog}`);
      }
    }
    assert.equal(blue.requests, 100);
    assert.equal(green.requests, 100);
    // Measured only once Prometheus has scraped the counters as they stand after the traffic.
    for (const slot of ["blue", "green"]) {
      await prometheus.waitForSeries(`sum(haproxy_backend_http_responses_total{proxy="be_${slot}"}) == 100`);
    }
  });

  after(async () => {
    await prometheus?.stop();
    if (haproxy && haproxy.exitCode === null && haproxy.signalCode === null) {
      const exited = new Promise((resolve) => haproxy!.once("exit", resolve));
      haproxy.kill();
      await exited;
    }
    await Promise.all([blue, green, idle].map((upstream) => upstream.server?.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const provider = createPrometheusProvider();
  const canary = (slot: "blue" | "green"): AnalysisContext => context({ canarySlot: slot, stableSlot: slot === "blue" ? "green" : "blue" });
  const measure = (query: string, ctx: AnalysisContext = canary("green"), address = prometheus!.url) =>
    provider.measure(specOf("prometheus", { provider: { address, query }, successCondition: { max: 0.1 } }), ctx);

  it("is Successful when the canary's 5xx share is under the threshold, and measures what the servers answered", async () => {
    const m = await measure(ERROR_SHARE, canary("blue"));
    assert.equal(m.phase, "Successful", m.message);
    assert.equal(blue.share, 0.05);
    assert.ok(Math.abs(m.value! - blue.share) < 1e-9, `measured ${m.value}, the server failed ${blue.share}`);
    assert.equal(m.message, "value 0.05 within max 0.1");
  });

  it("is Failed when the canary's 5xx share is over the threshold", async () => {
    const m = await measure(ERROR_SHARE, canary("green"));
    assert.equal(m.phase, "Failed", m.message);
    assert.equal(green.share, 0.5);
    assert.ok(Math.abs(m.value! - green.share) < 1e-9, `measured ${m.value}, the server failed ${green.share}`);
    assert.equal(m.message, "value 0.5 > max 0.1");
  });

  it("is Inconclusive when the query finds no series (a proxy HAProxy does not have)", async () => {
    const m = await measure(ERROR_SHARE.replaceAll("be_{{canarySlot}}", "be_nowhere"));
    assert.equal(m.phase, "Inconclusive", m.message);
    assert.equal(m.value, undefined);
    assert.equal(m.message, "no data: the query returned an empty vector");
  });

  it("is Inconclusive when the backend exists but has served nothing (0 of 0 is no share)", async () => {
    const m = await measure(ERROR_SHARE.replaceAll("be_{{canarySlot}}", "be_idle"));
    assert.equal(idle.requests, 0);
    assert.equal(m.phase, "Inconclusive", m.message);
    assert.equal(m.value, undefined);
    assert.match(m.message!, /NaN: no data/);
  });

  it("is an Error when the query gives one series per status class instead of one number", async () => {
    const m = await measure('rate(haproxy_backend_http_responses_total{proxy="be_green"}[1m])');
    assert.equal(m.phase, "Error", m.message);
    // 1xx, 2xx, 3xx, 4xx, 5xx and other.
    assert.match(m.message!, /the query returned 6 series; aggregate them to one/);
  });

  it("is an Error naming Prometheus' own reason for a PromQL syntax error", async () => {
    const m = await measure('sum(rate(haproxy_backend_http_responses_total{proxy="be_green"}[1m])');
    assert.equal(m.phase, "Error", m.message);
    assert.match(m.message!, /^Prometheus http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: status 400, bad_data: .*parse error/);
  });

  it("is an Error when nothing listens at the address", async () => {
    const m = await measure(ERROR_SHARE, canary("blue"), `http://127.0.0.1:${await freePort()}`);
    assert.equal(m.phase, "Error", m.message);
    assert.match(m.message!, /connection refused/);
  });

  it("passes an analysis run when the canary is healthy and fails it when it is not", async () => {
    const metric = metricSchema.parse({ name: "error-share", count: 2, provider: { type: "prometheus", address: prometheus!.url, query: ERROR_SHARE }, successCondition: { max: 0.1 } });
    // The data is already in Prometheus: waiting out the intervals would only make the test slow.
    const options = { sleep: async () => undefined };
    const healthy = await runAnalysis([metric], canary("blue"), options);
    assert.equal(healthy.phase, "Successful", healthy.message);
    assert.deepEqual(healthy.metrics[0]!.measurements.map((m) => m.phase), ["Successful", "Successful"]);
    const failing = await runAnalysis([metric], canary("green"), options);
    assert.equal(failing.phase, "Failed", failing.message);
    assert.equal(failing.message, "Failed: error-share is Failed");
    assert.equal(failing.metrics[0]!.measurements[0]!.message, "value 0.5 > max 0.1");
  });
});
