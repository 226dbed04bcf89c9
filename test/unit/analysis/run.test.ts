import assert from "node:assert/strict";
import { UnknownProviderError, type RunScopedProvider } from "../../../automation/analysis/providers";
import { runAnalysis, type MeasurementEvent, type RunOptions } from "../../../automation/analysis/run";
import type { MetricSpec } from "../../../model/config/analysis";
import type { AnalysisContext, Phase } from "../../../automation/analysis/types";
import { FakeClock } from "./fake-clock";

const CODE: Record<string, Phase> = { S: "Successful", F: "Failed", I: "Inconclusive", E: "Error" };

const ctx: AnalysisContext = {
  stack: "test",
  service: "hello",
  canarySlot: "green",
  stableSlot: "blue",
  weights: { blue: 90, green: 10 },
  slotEndpoints: {},
};

function metric(name: string, overrides: Partial<MetricSpec> = {}): MetricSpec {
  return {
    name,
    provider: { type: "command", argv: ["unused"], timeout: 1000, valueFromStdout: false },
    interval: 10_000,
    count: 3,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    ...overrides,
  };
}

interface Call {
  readonly metric: string;
  readonly atMs: number;
}

/**
 * Providers that answer from a script per metric ("SSF": successful, successful, failed; past
 * the end: successful), logging when each measurement was taken on the fake clock.
 */
function scripted(clock: FakeClock, scripts: Record<string, string>, calls: Call[] = []): RunOptions["createProvider"] {
  return (spec) => {
    let index = 0;
    const provider: RunScopedProvider = {
      type: "command",
      async measure(s) {
        calls.push({ metric: s.name, atMs: clock.elapsedSince(clock.now().toISOString()) });
        const code = scripts[s.name]?.[index] ?? "S";
        index += 1;
        const at = new Date().toISOString();
        return { phase: CODE[code]!, value: index, message: `${spec.name} #${index}`, startedAt: at, finishedAt: at };
      },
    };
    return provider;
  };
}

const phases = (run: { metrics: readonly { measurements: readonly { phase: Phase }[] }[] }, i: number) =>
  run.metrics[i]!.measurements.map((m) => m.phase[0]).join("");

describe("analysis: runAnalysis (fake clock)", () => {
  it("takes count measurements interval apart, each closing its interval, and passes", async () => {
    const clock = new FakeClock();
    const calls: Call[] = [];
    const run = await clock.drive(runAnalysis([metric("smoke")], ctx, { now: clock.now, sleep: clock.sleep, createProvider: scripted(clock, {}, calls) }));
    assert.equal(run.phase, "Successful");
    assert.equal(run.aborted, false);
    assert.deepEqual(calls.map((c) => c.atMs), [10_000, 20_000, 30_000]);
    assert.deepEqual(run.metrics[0]!.measurements.map((m) => m.value), [1, 2, 3]);
    assert.equal(run.metrics[0]!.measurements[2]!.finishedAt, "2026-01-01T00:00:30.000Z");
    assert.equal(run.startedAt, "2026-01-01T00:00:00.000Z");
    assert.equal(run.finishedAt, "2026-01-01T00:00:30.000Z");
    assert.equal(run.metrics[0]!.message, "3 of 3 measured, 3 successful; values 1, 2, 3");
    assert.equal(run.message, "Successful: the metric passed");
  });

  it("measures metrics in parallel, each on its own interval", async () => {
    const clock = new FakeClock();
    const calls: Call[] = [];
    const run = await clock.drive(
      runAnalysis([metric("slow", { interval: 30_000, count: 2 }), metric("fast", { interval: 5000, count: 4 })], ctx, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: scripted(clock, {}, calls),
      }),
    );
    assert.equal(run.phase, "Successful");
    assert.deepEqual(calls.filter((c) => c.metric === "fast").map((c) => c.atMs), [5000, 10_000, 15_000, 20_000]);
    assert.deepEqual(calls.filter((c) => c.metric === "slow").map((c) => c.atMs), [30_000, 60_000]);
    assert.equal(run.finishedAt, "2026-01-01T00:01:00.000Z");
  });

  it("stops at the first failure and stops the other metrics, which become Inconclusive", async () => {
    const clock = new FakeClock();
    const calls: Call[] = [];
    const run = await clock.drive(
      runAnalysis([metric("errors", { count: 5 }), metric("latency", { count: 5, interval: 4000 })], ctx, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: scripted(clock, { errors: "SF" }, calls),
      }),
    );
    assert.equal(run.phase, "Failed");
    assert.equal(phases(run, 0), "SF");
    assert.equal(run.metrics[0]!.phase, "Failed");
    assert.equal(run.metrics[1]!.phase, "Inconclusive");
    assert.equal(phases(run, 1), "SSSS");
    assert.match(run.metrics[1]!.message, /^stopped because errors is Failed after 4 of 5 measurements/);
    assert.equal(run.finishedAt, "2026-01-01T00:00:20.000Z");
    assert.equal(run.aborted, false);
    assert.equal(run.message, "Failed: errors is Failed");
  });

  it("tolerates failures up to failureLimit", async () => {
    const clock = new FakeClock();
    const run = await clock.drive(
      runAnalysis([metric("errors", { count: 4, failureLimit: 1 })], ctx, { now: clock.now, sleep: clock.sleep, createProvider: scripted(clock, { errors: "SFSS" }) }),
    );
    assert.equal(run.phase, "Successful");
    assert.equal(phases(run, 0), "SFSS");
  });

  it("retries errors without counting them, and gives Error after too many in a row", async () => {
    const clock = new FakeClock();
    const passing = await clock.drive(
      runAnalysis([metric("m", { count: 2 })], ctx, { now: clock.now, sleep: clock.sleep, createProvider: scripted(clock, { m: "EESES" }) }),
    );
    assert.equal(passing.phase, "Successful");
    assert.equal(phases(passing, 0), "EESES");

    const failing = await clock.drive(
      runAnalysis([metric("m", { count: 2, consecutiveErrorLimit: 2 })], ctx, { now: clock.now, sleep: clock.sleep, createProvider: scripted(clock, { m: "SEEE" }) }),
    );
    assert.equal(failing.phase, "Error");
    assert.equal(phases(failing, 0), "SEEE");
    assert.match(failing.metrics[0]!.message, /3 errors \(3 in a row, limit 2\)/);
  });

  it("ends a metric past its inconclusive limit without stopping the others, and the worst phase wins", async () => {
    const clock = new FakeClock();
    const run = await clock.drive(
      runAnalysis([metric("a", { count: 3 }), metric("b", { count: 3 }), metric("c", { count: 3, interval: 20_000 })], ctx, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: scripted(clock, { a: "SI", c: "SSE" }),
      }),
    );
    assert.deepEqual(run.metrics.map((m) => m.phase), ["Inconclusive", "Successful", "Successful"]);
    assert.equal(phases(run, 0), "SI");
    assert.equal(phases(run, 2), "SSES");
    assert.equal(run.phase, "Inconclusive");
    assert.equal(run.message, "Inconclusive: a is Inconclusive");
  });

  it("turns a provider that throws into an Error measurement", async () => {
    const clock = new FakeClock();
    const throwing: RunScopedProvider = {
      type: "command",
      measure: () => Promise.reject(new Error("socket exploded")),
    };
    const run = await clock.drive(
      runAnalysis([metric("m", { consecutiveErrorLimit: 0 })], ctx, { now: clock.now, sleep: clock.sleep, createProvider: () => throwing }),
    );
    assert.equal(run.phase, "Error");
    assert.equal(run.metrics[0]!.measurements[0]!.message, "provider command threw: socket exploded");
  });

  it("calls begin once before the first measurement", async () => {
    const clock = new FakeClock();
    const order: string[] = [];
    const provider: RunScopedProvider = {
      type: "haproxy",
      begin: async () => void order.push(`begin@${clock.elapsedSince(clock.now().toISOString())}`),
      measure: async () => {
        order.push(`measure@${clock.elapsedSince(clock.now().toISOString())}`);
        return { phase: "Successful", startedAt: "", finishedAt: "" };
      },
    };
    await clock.drive(runAnalysis([metric("m", { count: 2 })], ctx, { now: clock.now, sleep: clock.sleep, createProvider: () => provider }));
    assert.deepEqual(order, ["begin@0", "measure@10000", "measure@20000"]);
  });

  it("on abort returns what was measured, Inconclusive and marked aborted", async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const events: MeasurementEvent[] = [];
    const run = await clock.drive(
      runAnalysis([metric("m", { count: 10 })], { ...ctx, signal: abort.signal }, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: scripted(clock, {}),
        onMeasurement: (event) => {
          events.push(event);
          if (events.length === 2) abort.abort();
        },
      }),
    );
    assert.equal(run.aborted, true);
    assert.equal(run.phase, "Inconclusive");
    assert.equal(phases(run, 0), "SS");
    assert.match(run.metrics[0]!.message, /^aborted after 2 of 10 measurements; /);
    assert.equal(run.message, "Inconclusive (aborted): m is Inconclusive");
    assert.deepEqual(events.map((e) => e.phase), ["Running", "Running"]);
    assert.equal(run.finishedAt, "2026-01-01T00:00:20.000Z");
  });

  it("keeps a failure seen before an abort: the run is Failed, not Inconclusive", async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const run = await clock.drive(
      runAnalysis([metric("bad", { count: 1 }), metric("slow", { count: 5 })], { ...ctx, signal: abort.signal }, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: scripted(clock, { bad: "F" }),
        onMeasurement: () => abort.abort(),
      }),
    );
    assert.equal(run.phase, "Failed");
  });

  it("measures nothing when the signal is already aborted", async () => {
    const clock = new FakeClock();
    const calls: Call[] = [];
    const run = await clock.drive(
      runAnalysis([metric("m")], { ...ctx, signal: AbortSignal.abort() }, { now: clock.now, sleep: clock.sleep, createProvider: scripted(clock, {}, calls) }),
    );
    assert.equal(calls.length, 0);
    assert.equal(run.phase, "Inconclusive");
    assert.equal(run.aborted, true);
  });

  it("cancels a measurement in flight when the run stops, and does not record it", async () => {
    const clock = new FakeClock();
    let sawAbort = false;
    const hanging: RunScopedProvider = {
      type: "http",
      measure: (_spec, c) =>
        new Promise((resolve) =>
          c.signal!.addEventListener("abort", () => {
            sawAbort = true;
            resolve({ phase: "Error", message: "aborted", startedAt: "", finishedAt: "" });
          }),
        ),
    };
    const run = await clock.drive(
      runAnalysis([metric("bad", { count: 1, interval: 1000 }), metric("hangs", { interval: 500 })], ctx, {
        now: clock.now,
        sleep: clock.sleep,
        createProvider: (spec) => (spec.name === "hangs" ? hanging : scripted(clock, { bad: "F" })!(spec)),
      }),
    );
    assert.ok(sawAbort);
    assert.equal(run.phase, "Failed");
    assert.equal(run.metrics[1]!.measurements.length, 0);
    assert.equal(run.metrics[1]!.phase, "Inconclusive");
  });

  it("rejects an unknown provider type before measuring anything", async () => {
    const bogus = { ...metric("m"), provider: { type: "datadog" } } as unknown as MetricSpec;
    await assert.rejects(runAnalysis([bogus], ctx), (error: unknown) => {
      assert.ok(error instanceof UnknownProviderError);
      assert.equal(error.message, 'unknown metric provider type "datadog"');
      assert.equal(error.fix, "use one of: http, haproxy, prometheus, cloudwatch, command, webhook");
      return true;
    });
  });
});
