import assert from "node:assert/strict";
import { createPrometheusProvider } from "../../../../automation/analysis/providers/prometheus";
import { freePort } from "../../../support/ports";
import { context, json, listen, specOf, type LocalServer } from "./support";

/** Answers in the shape of Prometheus' HTTP API (GET /api/v1/query), keyed by the query text. */
const ANSWERS: Record<string, [number, unknown]> = {
  scalar: [200, { status: "success", data: { resultType: "scalar", result: [1_700_000_000, "0.25"] } }],
  one: [200, { status: "success", data: { resultType: "vector", result: [{ metric: { slot: "green" }, value: [1_700_000_000, "0.004"] }] } }],
  empty: [200, { status: "success", data: { resultType: "vector", result: [] } }],
  two: [200, { status: "success", data: { resultType: "vector", result: [{ metric: { a: "1" }, value: [1, "1"] }, { metric: { a: "2" }, value: [1, "2"] }] } }],
  nan: [200, { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "NaN"] }] } }],
  inf: [200, { status: "success", data: { resultType: "scalar", result: [1, "+Inf"] } }],
  matrix: [200, { status: "success", data: { resultType: "matrix", result: [] } }],
  "bad(": [400, { status: "error", errorType: "bad_data", error: 'parse error: unexpected "("' }],
  gateway: [502, "<html>bad gateway</html>"],
};

describe("analysis provider: prometheus (real server speaking the HTTP API)", () => {
  let server: LocalServer;
  const received: Array<{ path: string; query: string | null; auth: string | undefined }> = [];

  before(async () => {
    server = await listen((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const query = url.searchParams.get("query");
      received.push({ path: url.pathname, query, auth: req.headers.authorization });
      if (url.pathname !== "/prom/api/v1/query" && url.pathname !== "/api/v1/query") return json(res, 404, "not found");
      const [status, body] = ANSWERS[query ?? ""] ?? [200, { status: "success", data: { resultType: "scalar", result: [1, "7"] } }];
      json(res, status, body);
    });
  });
  after(() => server.close());

  const provider = createPrometheusProvider();
  const measure = (query: string, extra: Record<string, unknown> = {}) =>
    provider.measure(specOf("prometheus", { provider: { address: server.url, query }, successCondition: { max: 0.01 }, ...extra }), context());

  it("reads a one-series vector and judges it", async () => {
    const m = await measure("one");
    assert.equal(m.phase, "Successful", m.message);
    assert.equal(m.value, 0.004);
    assert.equal(m.message, "value 0.004 within max 0.01");
    assert.equal(received.at(-1)!.path, "/api/v1/query");
  });

  it("reads a scalar and fails it above the threshold", async () => {
    const m = await measure("scalar");
    assert.equal(m.phase, "Failed");
    assert.equal(m.value, 0.25);
    assert.equal(m.message, "value 0.25 > max 0.01");
  });

  it("treats an empty vector as no data: Inconclusive", async () => {
    const m = await measure("empty");
    assert.equal(m.phase, "Inconclusive");
    assert.match(m.message!, /no data/);
    assert.equal(m.value, undefined);
  });

  it("treats NaN as no data and keeps no value", async () => {
    const m = await measure("nan");
    assert.equal(m.phase, "Inconclusive");
    assert.equal(m.value, undefined);
  });

  it("fails +Inf against a max", async () => {
    assert.equal((await measure("inf")).phase, "Failed");
  });

  it("is an Error for several series or an unsupported result type", async () => {
    assert.match((await measure("two")).message!, /returned 2 series; aggregate them/);
    assert.match((await measure("matrix")).message!, /result type matrix is not supported/);
  });

  it("is an Error with Prometheus' reason for a bad query", async () => {
    const m = await measure("bad(");
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /status 400, bad_data: parse error: unexpected "\("/);
  });

  it("is an Error when the answer is not JSON", async () => {
    const m = await measure("gateway");
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /status 502, answer is not JSON/);
  });

  it("fills in placeholders, keeps a path prefix, and never shows headers", async () => {
    const spec = specOf("prometheus", {
      provider: { address: `${server.url}/prom`, query: 'sum(rate(x{service="{{service}}",slot="{{ canarySlot }}"}[1m]))', headers: { authorization: "Bearer t0ken" } },
      successCondition: { max: 10 },
    });
    const m = await provider.measure(spec, context());
    assert.equal(m.phase, "Successful", m.message);
    assert.equal(received.at(-1)!.path, "/prom/api/v1/query");
    assert.equal(received.at(-1)!.query, 'sum(rate(x{service="hello",slot="green"}[1m]))');
    assert.equal(received.at(-1)!.auth, "Bearer t0ken");
    assert.doesNotMatch(m.message!, /t0ken/);
  });

  it("is an Error when Prometheus cannot be reached", async () => {
    const port = await freePort();
    const m = await provider.measure(specOf("prometheus", { provider: { address: `http://127.0.0.1:${port}`, query: "up" }, successCondition: { min: 1 } }), context());
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /connection refused/);
  });
});
