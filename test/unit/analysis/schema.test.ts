import assert from "node:assert/strict";
import { analysisSchema, durationSchema, metricSchema, parseDuration } from "../../../model/config/analysis";

/** Messages of a failed parse, as "path: message". */
function problems(input: unknown): string[] {
  const result = analysisSchema.safeParse(input);
  assert.equal(result.success, false, "expected the config to be rejected");
  return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("analysis config: durations", () => {
  const good: Array<[string | number, number]> = [
    ["500ms", 500],
    ["30s", 30_000],
    ["1.5s", 1500],
    ["2m", 120_000],
    ["1h", 3_600_000],
    [10, 10_000],
    [0.25, 250],
    [" 5s ", 5000],
  ];
  for (const [input, ms] of good) it(`${JSON.stringify(input)} is ${ms} ms`, () => assert.equal(parseDuration(input), ms));

  for (const bad of ["5", "5 s", "1d", "", "-1s", "s"]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad), /must look like 500ms, 30s, 2m or 1h/));
  }
  it("rejects negative numbers", () => assert.throws(() => parseDuration(-1), /0 or more/));
  it("is reusable as a zod schema", () => {
    assert.equal(durationSchema.parse("2m"), 120_000);
    assert.equal(durationSchema.safeParse(true).success, false);
  });
});

describe("analysis config: schema", () => {
  it("fills in defaults", () => {
    const config = analysisSchema.parse({ metrics: [{ name: "smoke", provider: { type: "http" } }] });
    assert.deepEqual(config.metrics[0], {
      name: "smoke",
      provider: { type: "http", path: "/", timeout: 2000 },
      interval: 5000,
      count: 3,
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
    });
  });

  it("accepts every provider type", () => {
    const config = analysisSchema.parse({
      metrics: [
        { name: "http", provider: { type: "http", url: "http://127.0.0.1:8080/health", expectStatus: [200, 204] }, interval: "10s", successCondition: { max: 300 } },
        { name: "errors", provider: { type: "haproxy", measure: "errorShare" }, successCondition: { max: 0.01 } },
        { name: "prom", provider: { type: "prometheus", address: "http://prom:9090", query: 'sum(rate(x{slot="{{canarySlot}}"}[1m]))' }, successCondition: { max: 1 } },
        { name: "alarm", provider: { type: "cloudwatch", alarm: "{{service}}-5xx", region: "eu-west-1" } },
        { name: "cw", provider: { type: "cloudwatch", metric: { namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count", statistic: "Sum", period: "1m" } }, successCondition: { max: 0 } },
        { name: "cmd", provider: { type: "command", argv: ["./smoke.sh", "--fast"] } },
        { name: "hook", provider: { type: "webhook", url: "https://gate.example/check", valuePath: "data.score" }, successCondition: { min: 0.9 } },
      ],
    });
    assert.equal(config.metrics.length, 7);
    assert.equal(config.metrics[1]!.provider.type === "haproxy" && config.metrics[1]!.provider.slot, "canary");
  });

  it("names an unknown provider type and the known ones", () => {
    assert.deepEqual(problems({ metrics: [{ name: "x", provider: { type: "datadog" } }] }), [
      "metrics.0.provider.type: type must be one of: http, haproxy, prometheus, cloudwatch, command, webhook",
    ]);
  });

  it("rejects unknown keys at every level", () => {
    const found = problems({ metrics: [{ name: "x", provider: { type: "http", pth: "/" }, intervall: "5s" }] });
    assert.ok(found.some((p) => p.includes('Unrecognized key: "intervall"')), found.join("\n"));
    assert.ok(found.some((p) => p.startsWith("metrics.0.provider") && p.includes('"pth"')), found.join("\n"));
  });

  it("requires a successCondition where the provider yields a number", () => {
    assert.deepEqual(problems({ metrics: [{ name: "e", provider: { type: "haproxy", measure: "errorShare" } }] }), [
      "metrics.0.successCondition: is required for a haproxy metric that yields a number, e.g. { max: 0.01 }",
    ]);
    assert.ok(metricSchema.safeParse({ name: "c", provider: { type: "command", argv: ["true"] } }).success);
    assert.ok(!metricSchema.safeParse({ name: "c", provider: { type: "command", argv: ["true"], valueFromStdout: true } }).success);
  });

  it("checks thresholds, limits and names", () => {
    const found = problems({
      metrics: [
        { name: "Bad Name", provider: { type: "http" }, successCondition: {} },
        { name: "b", provider: { type: "http" }, successCondition: { min: 2, max: 1 }, count: 0, failureLimit: -1, interval: "0s" },
        { name: "b", provider: { type: "http" } },
      ],
    });
    for (const expected of [
      "metrics.0.name: must be lowercase",
      "metrics.0.successCondition: give min, max or both",
      "metrics.1.successCondition: min must not be above max",
      "metrics.1.count: count must be 1 or more",
      "metrics.1.failureLimit: failureLimit must be 0 or more",
      "metrics.1.interval: must be longer than 0",
      'metrics.2.name: "b" is used by another metric',
    ]) {
      assert.ok(found.some((p) => p.startsWith(expected)), `missing "${expected}" in:\n${found.join("\n")}`);
    }
  });

  it("checks provider fields", () => {
    const found = problems({
      metrics: [
        { name: "p", provider: { type: "prometheus", address: "ftp://prom", query: "up{x='{{version}}'}" }, successCondition: { max: 1 } },
        { name: "c", provider: { type: "cloudwatch", alarm: "a", metric: { namespace: "n", name: "m" } } },
        { name: "d", provider: { type: "cloudwatch", metric: { namespace: "n", name: "m", period: "90s", statistic: "Mean" } }, successCondition: { max: 1 } },
        { name: "e", provider: { type: "command", argv: [] } },
        { name: "f", provider: { type: "http", path: "health" } },
      ],
    });
    for (const expected of [
      "metrics.0.provider.address: must be an absolute http:// or https:// URL",
      "metrics.0.provider.query: may only use the placeholders {{stack}}, {{service}}, {{canarySlot}}, {{stableSlot}}",
      "metrics.1.provider: give exactly one of alarm or metric",
      "metrics.2.provider.metric.period: must be a whole number of minutes",
      "metrics.2.provider.metric.statistic: must be Average, Sum",
      "metrics.3.provider.argv: must name at least the program",
      "metrics.4.provider.path: must start with /",
    ]) {
      assert.ok(found.some((p) => p.startsWith(expected)), `missing "${expected}" in:\n${found.join("\n")}`);
    }
  });

  it("needs at least one metric", () => {
    assert.deepEqual(problems({ metrics: [] }), ["metrics: must list at least one metric"]);
  });
});
