/**
 * The HAProxy provider against a real haproxy started here: one frontend on a free loopback
 * port, backend `be_hello` with servers blue and green (two node:http servers), green failing a
 * known share of requests. Real requests go through the frontend; the measured 5xx share must
 * match what green actually answered in the window.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { httpGet } from "../../../../components/local/http-probe";
import { runtimeCommand } from "../../../../components/local/runtime-api";
import { createHaproxyProvider, windowShare } from "../../../../automation/analysis/providers/haproxy";
import { freePort } from "../../../support/ports";
import { context, listen, specOf, type LocalServer } from "./support";

const ROOT = path.resolve(__dirname, "../../../..");

function haproxyBinary(): string {
  const toolchain = path.join(ROOT, ".switchyard", "toolchain.json");
  const configured = existsSync(toolchain) ? (JSON.parse(readFileSync(toolchain, "utf8")) as { haproxy?: string }).haproxy : undefined;
  const binary = configured ?? "/usr/sbin/haproxy";
  if (!existsSync(binary)) throw new Error(`HAProxy not found at ${binary}: run npm run setup (it records the path in .switchyard/toolchain.json)`);
  return binary;
}

/** Counts what one slot's server answered, and fails every `failEvery`-th request (0: never). */
class Slot {
  requests = 0;
  errors = 0;
  failEvery = 0;
  server!: LocalServer;

  async start(): Promise<void> {
    this.server = await listen((_req, res) => {
      this.requests += 1;
      const fail = this.failEvery > 0 && this.requests % this.failEvery === 0;
      if (fail) this.errors += 1;
      res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" });
      res.end(fail ? "boom" : "ok");
    });
  }

  snapshot() {
    return { requests: this.requests, errors: this.errors };
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("analysis provider: haproxy (real haproxy, real traffic on loopback)", () => {
  const blue = new Slot();
  const green = new Slot();
  let dir: string;
  let socketPath: string;
  let frontend: string;
  let haproxy: ChildProcess | undefined;
  let haproxyLog = "";

  before(async function () {
    this.timeout(30_000);
    const binary = haproxyBinary();
    await blue.start();
    await green.start();
    dir = mkdtempSync(path.join(tmpdir(), "switchyard-analysis-haproxy-"));
    socketPath = path.join(dir, "admin.sock");
    const port = await freePort();
    frontend = `http://127.0.0.1:${port}/`;
    const config = `global
  stats socket ${socketPath} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend fe_hello
  bind 127.0.0.1:${port}
  default_backend be_hello
backend be_hello
  balance roundrobin
  server blue 127.0.0.1:${blue.server.port} weight 50
  server green 127.0.0.1:${green.server.port} weight 50
`;
    const file = path.join(dir, "haproxy.cfg");
    writeFileSync(file, config);
    haproxy = spawn(binary, ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
    haproxy.stdout!.setEncoding("utf8").on("data", (chunk: string) => (haproxyLog += chunk));
    haproxy.stderr!.setEncoding("utf8").on("data", (chunk: string) => (haproxyLog += chunk));
    await waitFor(async () => {
      if (haproxy!.exitCode !== null) throw new Error(`haproxy exited: ${haproxyLog}`);
      return existsSync(socketPath) && (await runtimeCommand(socketPath, "show info", 1000)).includes("Name: HAProxy");
    }, `haproxy's runtime API (${haproxyLog})`);
  });

  after(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy!.once("exit", resolve));
      haproxy.kill();
      await exited;
    }
    await blue.server?.close();
    await green.server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Sequential requests through the frontend, each on a new connection so each is balanced. */
  async function traffic(requests: number): Promise<void> {
    for (let i = 0; i < requests; i++) {
      const answer = await httpGet(frontend);
      assert.ok(answer, "the frontend did not answer");
    }
  }

  const ctx = () => context({ haproxy: { socketPath, backend: "be_hello" } });
  const errorShare = (slot = "canary", max = 0.1) => specOf("haproxy", { provider: { measure: "errorShare", slot }, successCondition: { max } });

  it("measures the canary's 5xx share since the run began, then since the previous measurement", async () => {
    // Traffic before the run, with green failing everything: the baseline must leave it out.
    green.failEvery = 1;
    await traffic(20);
    assert.ok(green.errors > 0);

    const provider = createHaproxyProvider();
    const spec = errorShare();
    await provider.begin!(spec, ctx());

    green.failEvery = 4;
    const before1 = green.snapshot();
    await traffic(80);
    const first = await provider.measure(spec, ctx());
    const window1 = { requests: green.requests - before1.requests, errors: green.errors - before1.errors };
    assert.ok(window1.requests >= 30, `green got only ${window1.requests} of 80 requests`);
    assert.equal(first.value, window1.errors / window1.requests);
    assert.ok(Math.abs(first.value! - 0.25) < 0.05, `share ${first.value}`);
    assert.equal(first.phase, "Failed");
    assert.match(first.message!, new RegExp(`^be_hello/green: 5xx share [0-9.]+ > max 0\\.1 \\(${window1.errors} of ${window1.requests} responses, \\d+ ms avg\\)$`));

    green.failEvery = 0;
    const before2 = green.snapshot();
    await traffic(40);
    const second = await provider.measure(spec, ctx());
    assert.equal(second.phase, "Successful", second.message);
    assert.equal(second.value, 0);
    assert.match(second.message!, new RegExp(`\\(0 of ${green.requests - before2.requests} responses`));

    const third = await provider.measure(spec, ctx());
    assert.equal(third.phase, "Inconclusive");
    assert.match(third.message!, /no data: no responses since the previous measurement/);
  });

  it("measures the stable slot when asked, and keeps each run's counters apart", async () => {
    const stable = createHaproxyProvider();
    const canary = createHaproxyProvider();
    await stable.begin!(errorShare("stable"), ctx());
    await canary.begin!(errorShare("green"), ctx());
    green.failEvery = 2;
    await traffic(40);
    const s = await stable.measure(errorShare("stable"), ctx());
    const c = await canary.measure(errorShare("green"), ctx());
    assert.equal(s.phase, "Successful", s.message);
    assert.match(s.message!, /^be_hello\/blue: 5xx share 0 within max 0\.1/);
    assert.equal(c.phase, "Failed", c.message);
    assert.ok(Math.abs(c.value! - 0.5) < 0.1, `share ${c.value}`);
    green.failEvery = 0;
  });

  it("reads HAProxy's average response time of the slot", async () => {
    const provider = createHaproxyProvider();
    const m = await provider.measure(specOf("haproxy", { provider: { measure: "responseTime" }, successCondition: { max: 1000 } }), ctx());
    assert.equal(m.phase, "Successful", m.message);
    assert.ok(typeof m.value === "number" && m.value >= 0);
    assert.match(m.message!, /^be_hello\/green: response time ms \d+ within max 1000$/);
  });

  it("is an Error for a server the backend does not have, or without a socket", async () => {
    const provider = createHaproxyProvider();
    const spec = specOf("haproxy", { provider: { measure: "responseTime", backend: "be_other" }, successCondition: { max: 1 } });
    assert.match((await provider.measure(spec, ctx())).message!, /HAProxy backend be_other has no server green/);
    const noSocket = await provider.measure(errorShare(), context());
    assert.equal(noSocket.phase, "Error");
    assert.match(noSocket.message!, /no HAProxy socket or backend in the analysis context/);
  });

  it("reports a failed baseline as an Error, then compares with the counters read then", async () => {
    const provider = createHaproxyProvider();
    const spec = errorShare();
    await provider.begin!(spec, context({ haproxy: { socketPath: path.join(dir, "missing.sock"), backend: "be_hello" } }));
    const first = await provider.measure(spec, ctx());
    assert.equal(first.phase, "Error");
    assert.match(first.message!, /no baseline \(HAProxy runtime API at .*missing\.sock: .*\); counters read now/);
    await traffic(10);
    assert.equal((await provider.measure(spec, ctx())).phase, "Successful");
  });
});

describe("analysis provider: haproxy window arithmetic", () => {
  it("takes the difference of counters, and the whole count after a restart", () => {
    assert.deepEqual(windowShare({ responses5xx: 10, responsesTotal: 100 }, { responses5xx: 15, responsesTotal: 200 }), { share: 0.05, errors: 5, responses: 100, reset: false });
    assert.deepEqual(windowShare({ responses5xx: 10, responsesTotal: 100 }, { responses5xx: 1, responsesTotal: 4 }), { share: 0.25, errors: 1, responses: 4, reset: true });
    assert.ok(Number.isNaN(windowShare({ responses5xx: 1, responsesTotal: 5 }, { responses5xx: 1, responsesTotal: 5 }).share));
  });
});
