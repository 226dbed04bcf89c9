import assert from "node:assert/strict";
import { createWebhookProvider } from "../../../../automation/analysis/providers/webhook";
import { freePort } from "../../../support/ports";
import { context, json, listen, specOf, type LocalServer } from "./support";

/** Paths choose the answer; every request is recorded. */
const ROUTES: Record<string, [number, unknown]> = {
  "/ok": [200, { accepted: true }],
  "/created": [201, ""],
  "/refuse": [503, { reason: "freeze window" }],
  "/value": [200, { data: { errorRate: 0.002, bySlot: [{ p99: 180 }] } }],
  "/string-value": [200, { data: { errorRate: "0.05" } }],
  "/null-value": [200, { data: { errorRate: null } }],
  "/text-value": [200, { data: { errorRate: "low" } }],
  "/html": [200, "<html>ok</html>"],
};

describe("analysis provider: webhook (real server on loopback)", () => {
  let server: LocalServer;
  const received: Array<{ method: string; type: string | undefined; auth: string | undefined; body: Record<string, unknown> }> = [];

  before(async () => {
    server = await listen((req, res, body) => {
      received.push({ method: req.method ?? "", type: req.headers["content-type"], auth: req.headers.authorization, body: body ? JSON.parse(body) : {} });
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/slow") return void setTimeout(() => json(res, 200, {}), 500);
      const [status, answer] = ROUTES[path] ?? [404, { error: "no route" }];
      json(res, status, answer);
    });
  });
  after(() => server.close());

  const provider = createWebhookProvider();
  const call = (path: string, extra: Record<string, unknown> = {}) => {
    const { provider: p = {}, ...rest } = extra;
    return provider.measure(specOf("webhook", { name: "gate", provider: { url: `${server.url}${path}`, ...(p as object) }, ...rest }), context());
  };

  it("POSTs the context as JSON and passes on 2xx", async () => {
    const m = await call("/ok", { provider: { headers: { authorization: "Bearer hook-secret" } } });
    assert.equal(m.phase, "Successful");
    assert.equal(m.message, `POST ${server.url}/ok: status 200`);
    const req = received.at(-1)!;
    assert.equal(req.method, "POST");
    assert.equal(req.type, "application/json");
    assert.equal(req.auth, "Bearer hook-secret");
    assert.deepEqual(req.body, { metric: "gate", stack: "test", service: "hello", canarySlot: "green", stableSlot: "blue", weights: { blue: 80, green: 20 }, slotEndpoints: {} });
    assert.equal((await call("/created")).phase, "Successful");
  });

  it("fails on a non-2xx status", async () => {
    const m = await call("/refuse");
    assert.equal(m.phase, "Failed");
    assert.match(m.message!, /status 503, expected 2xx/);
  });

  it("reads a number at valuePath and judges it", async () => {
    const ok = await call("/value", { provider: { valuePath: "data.errorRate" }, successCondition: { max: 0.01 } });
    assert.equal(ok.phase, "Successful");
    assert.equal(ok.value, 0.002);
    const p99 = await call("/value", { provider: { valuePath: "data.bySlot.0.p99" }, successCondition: { max: 150 } });
    assert.equal(p99.phase, "Failed");
    assert.match(p99.message!, /data\.bySlot\.0\.p99 180 > max 150/);
    const fromString = await call("/string-value", { provider: { valuePath: "data.errorRate" }, successCondition: { max: 0.01 } });
    assert.equal(fromString.phase, "Failed");
    assert.equal(fromString.value, 0.05);
  });

  it("treats a missing or null value as no data", async () => {
    assert.equal((await call("/value", { provider: { valuePath: "data.missing" }, successCondition: { max: 1 } })).phase, "Inconclusive");
    assert.equal((await call("/null-value", { provider: { valuePath: "data.errorRate" }, successCondition: { max: 1 } })).phase, "Inconclusive");
  });

  it("is an Error when the value is not a number or the answer not JSON", async () => {
    assert.match((await call("/text-value", { provider: { valuePath: "data.errorRate" }, successCondition: { max: 1 } })).message!, /is not a number/);
    const html = await call("/html", { provider: { valuePath: "data.errorRate" }, successCondition: { max: 1 } });
    assert.equal(html.phase, "Error");
    assert.match(html.message!, /not JSON/);
  });

  it("is an Error on timeout or a refused connection", async () => {
    const slow = await call("/slow", { provider: { timeout: "100ms" } });
    assert.equal(slow.phase, "Error");
    assert.match(slow.message!, /no answer within 100 ms/);
    const port = await freePort();
    const refused = await provider.measure(specOf("webhook", { provider: { url: `http://127.0.0.1:${port}/hook` } }), context());
    assert.equal(refused.phase, "Error");
    assert.match(refused.message!, /connection refused/);
  });

  it("never shows the query string of the URL (tokens live there)", async () => {
    const m = await call("/refuse?key=abc123");
    assert.doesNotMatch(m.message!, /abc123/);
  });
});
