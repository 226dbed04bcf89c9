import assert from "node:assert/strict";
import { createProvider, PROVIDER_FACTORIES, UnknownProviderError } from "../../../../automation/analysis/providers";
import { runAnalysis } from "../../../../automation/analysis/run";
import { analysisSchema, PROVIDER_TYPES } from "../../../../model/config/analysis";
import { context, listen } from "./support";

describe("analysis: provider registry", () => {
  it("has a provider for every type the schema accepts, and gives fresh instances", () => {
    assert.deepEqual(Object.keys(PROVIDER_FACTORIES).sort(), [...PROVIDER_TYPES].sort());
    for (const type of PROVIDER_TYPES) assert.equal(createProvider(type).type, type);
    assert.notEqual(createProvider("haproxy"), createProvider("haproxy"));
  });

  it("throws for an unknown type instead of falling back", () => {
    for (const type of ["datadog", "", "toString", "__proto__"]) {
      assert.throws(() => createProvider(type), (error: unknown) => error instanceof UnknownProviderError && error.message === `unknown metric provider type "${type}"`);
    }
  });
});

describe("analysis: a run with the real registry, timers and providers", () => {
  it("measures an HTTP endpoint and a command on real intervals", async () => {
    let hits = 0;
    const server = await listen((_req, res) => {
      hits += 1;
      res.writeHead(200);
      res.end("ok");
    });
    try {
      const config = analysisSchema.parse({
        metrics: [
          { name: "smoke", provider: { type: "http", path: "/health" }, interval: "50ms", count: 3, successCondition: { max: 2000 } },
          { name: "check", provider: { type: "command", argv: [process.execPath, "-e", "console.log(0.001)"], valueFromStdout: true }, interval: "50ms", count: 2, successCondition: { max: 0.01 } },
        ],
      });
      const run = await runAnalysis(config.metrics, context({ slotEndpoints: { green: server.url } }));
      assert.equal(run.phase, "Successful", run.message);
      assert.equal(hits, 3);
      // One after another on its interval: each starts once the one before has finished.
      const ms = run.metrics[0]!.measurements;
      for (let i = 1; i < ms.length; i++) assert.ok(Date.parse(ms[i]!.startedAt) >= Date.parse(ms[i - 1]!.finishedAt), `measurement ${i + 1} starts after ${i}`);
      assert.deepEqual(run.metrics.map((m) => m.measurements.length), [3, 2]);
      assert.deepEqual(run.metrics[1]!.measurements.map((m) => m.value), [0.001, 0.001]);
    } finally {
      await server.close();
    }
  });
});
