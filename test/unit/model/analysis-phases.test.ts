import assert from "node:assert/strict";
import { analysisSchema, type AnalysisConfigInput } from "../../../model/config/analysis";
import { metricsFor, withAnalysisPhases } from "../../../model/config/analysis-phases";
import { planOf, rolloutSchema } from "../../../model/config/rollout";
import { stackConfigSchema } from "../../../model/config/stack";

const probe = { name: "probe", provider: { type: "http" as const, path: "/healthz" } };
const errors = { name: "error-share", provider: { type: "haproxy" as const, measure: "errorShare" as const }, successCondition: { max: 0.01 } };
const external = { name: "status-page", provider: { type: "http" as const, url: "http://127.0.0.1:9/ok" } };
const analysis = (extra: Partial<AnalysisConfigInput> = {}) => analysisSchema.parse({ metrics: [probe, errors, external], ...extra });

describe("blue-green analysis phases", () => {
  const table: Array<[string, Partial<AnalysisConfigInput>, Record<"shift" | "pre-promotion" | "post-promotion", string[]>]> = [
    [
      "by default: before the switch only probes of the new slot's own endpoint, after it everything",
      {},
      { shift: ["probe", "error-share", "status-page"], "pre-promotion": ["probe"], "post-promotion": ["probe", "error-share", "status-page"] },
    ],
    [
      "as named, in the order the metrics are listed",
      { prePromotion: ["status-page", "probe"], postPromotion: ["error-share"] },
      { shift: ["probe", "error-share", "status-page"], "pre-promotion": ["probe", "status-page"], "post-promotion": ["error-share"] },
    ],
  ];
  for (const [what, extra, expected] of table) {
    it(what, () => {
      const config = analysis(extra);
      for (const kind of ["shift", "pre-promotion", "post-promotion"] as const) assert.deepEqual(metricsFor(config, kind), expected[kind], kind);
    });
  }

  it("a traffic metric is not run at 0%: with no probe, the pre-promotion step is not analysed at all", () => {
    const plan = withAnalysisPhases(planOf(rolloutSchema.parse({ strategy: "blue-green" })), analysisSchema.parse({ metrics: [errors] }));
    assert.deepEqual(plan.map((s) => [s.kind, s.analysis]), [["pre-promotion", false], ["post-promotion", true]]);
  });

  it("without analysis config the plan is unchanged", () => {
    const plan = planOf(rolloutSchema.parse({ strategy: "blue-green" }));
    assert.deepEqual(withAnalysisPhases(plan, undefined), plan);
  });

  it("refuses a phase naming no metric, listing the metrics there are", () => {
    const result = analysisSchema.safeParse({ metrics: [probe, errors], prePromotion: ["prob"] });
    assert.equal(result.success, false);
    const issue = result.error!.issues[0]!;
    assert.deepEqual(issue.path, ["prePromotion", 0]);
    assert.match(issue.message, /"prob" names no metric; the metrics are probe, error-share/);
  });

  it("refuses promotion phases on a rollout that is not blue-green", () => {
    const base = { target: "local", service: "hello", slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", local: { ports: { listen: 18080, blue: 18081, green: 18082 } } };
    const canary = stackConfigSchema.safeParse({ ...base, rollout: { strategy: "canary", steps: [10, 100] }, analysis: { metrics: [probe], postPromotion: ["probe"] } });
    assert.equal(canary.success, false);
    assert.ok(canary.error!.issues.some((i) => i.path.join(".") === "analysis.postPromotion" && /blue-green rollouts only; a canary rollout runs every metric at every step/.test(i.message)));
    const blueGreen = stackConfigSchema.safeParse({ ...base, rollout: { strategy: "blue-green" }, analysis: { metrics: [probe], postPromotion: ["probe"] } });
    assert.ok(blueGreen.success, JSON.stringify(blueGreen.error?.issues));
  });
});
