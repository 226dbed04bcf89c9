import assert from "node:assert/strict";
import { assessMetric, formatValue, isWorse, judgeValue, PHASE_ORDER, summarize, worstPhase, type MetricLimits } from "../../../automation/analysis/assess";
import type { Measurement, Phase } from "../../../automation/analysis/types";

const AT = "2026-01-01T00:00:00.000Z";
const CODE: Record<string, Phase> = { S: "Successful", F: "Failed", I: "Inconclusive", E: "Error" };
/** "SSF" → three measurements. */
const ms = (codes: string): Measurement[] => [...codes].map((c) => ({ phase: CODE[c]!, startedAt: AT, finishedAt: AT }));
const limits = (overrides: Partial<MetricLimits> = {}): MetricLimits => ({ count: 3, failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4, ...overrides });

describe("analysis: assessMetric", () => {
  const table: Array<[string, string, Partial<MetricLimits>, Phase]> = [
    ["no measurements yet", "", {}, "Pending"],
    ["fewer than count, all good", "SS", {}, "Running"],
    ["count reached, all good", "SSS", {}, "Successful"],
    ["one failure with the default limit 0", "SF", {}, "Failed"],
    ["a failure within failureLimit, count reached", "SFS", { failureLimit: 1 }, "Successful"],
    ["failures above failureLimit", "FSF", { failureLimit: 1 }, "Failed"],
    ["one inconclusive with the default limit 0", "SI", {}, "Inconclusive"],
    ["inconclusive within the limit, count reached", "ISS", { inconclusiveLimit: 1 }, "Successful"],
    ["errors do not count towards count", "SESS", {}, "Successful"],
    ["errors alone: still running", "EEEE", {}, "Running"],
    ["5 consecutive errors exceed the default limit 4", "EEEEE", {}, "Error"],
    ["consecutiveErrorLimit 0: one error is Error", "SE", { consecutiveErrorLimit: 0 }, "Error"],
    ["errors interrupted by a success reset the streak", "EEEESEEEES", {}, "Running"],
    ["a streak of errors at the end after successes", "SSEEEEE", {}, "Error"],
    ["failure outranks an error streak", "FEEEEE", { failureLimit: 0 }, "Failed"],
    ["error streak outranks inconclusive", "IIEEE", { inconclusiveLimit: 1, consecutiveErrorLimit: 2 }, "Error"],
    ["count 1 reached by one success", "S", { count: 1 }, "Successful"],
    ["count reached but trailing errors within limit", "SSSE", {}, "Successful"],
  ];
  for (const [what, codes, overrides, expected] of table) {
    it(`${what}: ${codes || "(none)"} → ${expected}`, () => assert.equal(assessMetric(limits(overrides), ms(codes)), expected));
  }
});

describe("analysis: phase order", () => {
  it("orders Successful best and Failed worst, Error just above it", () => {
    assert.deepEqual(PHASE_ORDER, ["Successful", "Running", "Pending", "Inconclusive", "Error", "Failed"]);
    assert.ok(isWorse("Failed", "Error"));
    assert.ok(isWorse("Error", "Inconclusive"));
    assert.ok(isWorse("Inconclusive", "Running"));
    assert.ok(!isWorse("Successful", "Running"));
  });

  const table: Array<[Phase[], Phase]> = [
    [[], "Successful"],
    [["Successful", "Successful"], "Successful"],
    [["Successful", "Inconclusive"], "Inconclusive"],
    [["Inconclusive", "Error", "Successful"], "Error"],
    [["Error", "Failed"], "Failed"],
    [["Failed", "Successful", "Error"], "Failed"],
    [["Running", "Successful"], "Running"],
  ];
  for (const [phases, expected] of table) {
    it(`worst of [${phases.join(", ")}] is ${expected}`, () => assert.equal(worstPhase(phases), expected));
  }
});

describe("analysis: judgeValue", () => {
  const table: Array<[number, { min?: number; max?: number } | undefined, Phase, RegExp]> = [
    [0.004, { max: 0.01 }, "Successful", /0\.004 within max 0\.01/],
    [0.031, { max: 0.01 }, "Failed", /0\.031 > max 0\.01/],
    [0.01, { max: 0.01 }, "Successful", /within/],
    [5, { min: 10 }, "Failed", /5 < min 10/],
    [15, { min: 10, max: 20 }, "Successful", /within min 10, max 20/],
    [Number.NaN, { max: 1 }, "Inconclusive", /no data/],
    [Number.POSITIVE_INFINITY, { max: 1 }, "Failed", /Infinity > max 1/],
    [42, undefined, "Successful", /value 42/],
  ];
  for (const [value, condition, phase, message] of table) {
    it(`${value} against ${JSON.stringify(condition)} is ${phase}`, () => {
      const verdict = judgeValue(value, condition);
      assert.equal(verdict.phase, phase);
      assert.match(verdict.message, message);
    });
  }
});

describe("analysis: summaries", () => {
  it("counts each kind and lists every measured value", () => {
    const measurements: Measurement[] = [
      { phase: "Successful", value: 0.002, startedAt: AT, finishedAt: AT },
      { phase: "Error", startedAt: AT, finishedAt: AT },
      { phase: "Failed", value: 0.03125, startedAt: AT, finishedAt: AT },
    ];
    assert.equal(
      summarize(limits(), measurements),
      "2 of 3 measured, 1 successful, 1 failed (limit 0), 1 errors (0 in a row, limit 4); values 0.002, 0.03125",
    );
  });

  it("formats values briefly", () => {
    assert.equal(formatValue(1 / 3), "0.3333");
    assert.equal(formatValue(120), "120");
  });
});
