import assert from "node:assert/strict";
import { createHttpProvider } from "../../../../automation/analysis/providers/http";
import { freePort } from "../../../support/ports";
import { context, listen, specOf, type LocalServer } from "./support";

describe("analysis provider: http (real server on loopback)", () => {
  let server: LocalServer;
  const seen: Array<{ url: string; auth: string | undefined }> = [];

  before(async () => {
    server = await listen((req, res) => {
      seen.push({ url: req.url ?? "", auth: req.headers.authorization });
      const url = new URL(req.url ?? "/", "http://x");
      const delay = Number(url.searchParams.get("delay") ?? 0);
      const status = Number(url.searchParams.get("status") ?? 200);
      setTimeout(() => {
        res.writeHead(status);
        res.end("ok");
      }, delay);
    });
  });
  after(() => server.close());

  const provider = createHttpProvider();

  it("probes the canary slot's endpoint plus the path by default", async () => {
    const ctx = context({ slotEndpoints: { green: server.url, blue: "http://127.0.0.1:1" } });
    const m = await provider.measure(specOf("http", { provider: { path: "/health" } }), ctx);
    assert.equal(m.phase, "Successful", m.message);
    assert.equal(seen.at(-1)!.url, "/health");
    assert.ok(typeof m.value === "number" && m.value >= 0);
    assert.match(m.message!, new RegExp(`^GET ${server.url}/health: status 200, latency ms \\d+$`));
    assert.ok(Date.parse(m.finishedAt) >= Date.parse(m.startedAt));
  });

  it("fails on an unexpected status, with the status in the message", async () => {
    const m = await provider.measure(specOf("http", { provider: { url: `${server.url}/x?status=503` } }), context());
    assert.equal(m.phase, "Failed");
    assert.match(m.message!, /status 503, expected 2xx/);
  });

  it("accepts the statuses listed in expectStatus only", async () => {
    const spec = specOf("http", { provider: { url: `${server.url}/x?status=204`, expectStatus: [204] } });
    assert.equal((await provider.measure(spec, context())).phase, "Successful");
    const other = specOf("http", { provider: { url: `${server.url}/x?status=200`, expectStatus: [204] } });
    assert.match((await provider.measure(other, context())).message!, /status 200, expected 204/);
  });

  it("fails when the latency is above successCondition.max", async () => {
    const m = await provider.measure(specOf("http", { provider: { url: `${server.url}/x?delay=120` }, successCondition: { max: 50 } }), context());
    assert.equal(m.phase, "Failed", m.message);
    assert.ok(m.value! >= 120);
    assert.match(m.message!, /latency ms \d+ > max 50/);
  });

  it("is an Error when nothing answers in time", async () => {
    const m = await provider.measure(specOf("http", { provider: { url: `${server.url}/x?delay=500`, timeout: "100ms" } }), context());
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /no answer within 100 ms/);
  });

  it("is an Error when the connection is refused", async () => {
    const port = await freePort();
    const m = await provider.measure(specOf("http", { provider: { url: `http://127.0.0.1:${port}/` } }), context());
    assert.equal(m.phase, "Error");
    assert.equal(m.message, `GET http://127.0.0.1:${port}/: connection refused (ECONNREFUSED)`);
  });

  it("is an Error when the context has no endpoint for the canary slot", async () => {
    const m = await provider.measure(specOf("http", {}), context({ slotEndpoints: { blue: server.url } }));
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /no endpoint for the canary slot green/);
  });

  it("sends headers but never shows them, nor the query string", async () => {
    const spec = specOf("http", { provider: { url: `${server.url}/x?status=500&token=s3cret`, headers: { authorization: "Bearer s3cret" } } });
    const m = await provider.measure(spec, context());
    assert.equal(seen.at(-1)!.auth, "Bearer s3cret");
    assert.doesNotMatch(m.message!, /s3cret/);
  });
});
