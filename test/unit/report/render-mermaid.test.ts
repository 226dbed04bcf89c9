/** The timeline of hand-written records, and the Mermaid charts drawn from it, as a reader checks them. */
import assert from "node:assert/strict";
import { ganttChart, ganttTime, label, metricChart, plainNumber, timelineCharts, trafficChart } from "../../../automation/report/render-mermaid";
import { buildTimeline, canaryShareAt, eventTimes, type MetricSeries } from "../../../automation/report/timeline";
import { hostile, hostileName, inFlight, paused, rolledBack, succeeded, T0, THRESHOLDS } from "./fixtures";

const timeline = (record: typeof succeeded, now = T0 + 60_000) => buildTimeline(record, { thresholds: THRESHOLDS, now });

/** The gantt's task lines: [name, tags, start, end] with times in seconds since T0. */
function tasks(text: string) {
  return text
    .split("\n")
    .filter((line) => /^\s+\S.* :/.test(line) && !/^\s+(title|dateFormat|axisFormat|todayMarker|section)\b/.test(line))
    .map((line) => {
      const [name, data] = line.trim().split(" :") as [string, string];
      const parts = data.split(",").map((p) => p.trim());
      const [start, end] = parts.slice(-2).map((p) => (Date.parse(`${p.replace(" ", "T")}Z`) - Date.UTC(2000, 0, 1)) / 1000);
      return { name, tags: parts.slice(0, -3), start: start!, end: end! };
    });
}

/** An xychart's x labels and lines. */
function xy(text: string) {
  const axis = /x-axis "[^"]*" \[(.*)\]/.exec(text)![1]!;
  const labels = [...axis.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const lines = [...text.matchAll(/^\s+line \[(.*)\]$/gm)].map((m) => m[1]!.split(", ").map(Number));
  return { labels, lines };
}

describe("rollout timeline from a record", () => {
  it("a succeeded canary: every step done, weights where each bake began, measurements with the threshold", () => {
    const t = timeline(succeeded);
    assert.equal(t.status, "succeeded");
    assert.equal(t.duration_seconds, 42);
    assert.deepEqual(t.steps.map((s) => [s.index, s.weight, s.outcome, s.analysis, s.start, s.end]), [
      [1, 20, "done", "Successful", 0.5, 14],
      [2, 50, "done", "Successful", 14, 27.5],
      [3, 100, "done", "Successful", 27.5, 41],
    ]);
    assert.deepEqual(t.weights.map((w) => [w.seconds, w.canary]), [[0, 0], [2, 20], [15.5, 50], [29, 100]]);
    const errors = t.metrics.find((m) => m.name === "error-share")!;
    assert.deepEqual(errors.threshold, { max: 0.01 });
    assert.equal(errors.points.length, 6);
    assert.equal(t.rollback, undefined);
  });

  it("samples the canary's share as a step function at every event time", () => {
    const t = timeline(succeeded);
    const times = eventTimes(t);
    assert.deepEqual(times.slice(0, 6), [0, 0.5, 2, 12.5, 13.5, 14]);
    assert.equal(times.at(-1), 42);
    assert.equal(canaryShareAt(t.weights, 1.9), 0);
    assert.equal(canaryShareAt(t.weights, 2), 20);
    assert.equal(canaryShareAt(t.weights, 15.4), 20);
    assert.equal(canaryShareAt(t.weights, 42), 100);
    // Thinned, the weight changes and both ends stay.
    const few = eventTimes(t, 6);
    for (const kept of [0, 2, 15.5, 29, 42]) assert.ok(few.includes(kept), `${kept} kept in ${few}`);
    assert.ok(few.length <= 6);
  });

  it("a rolled-back canary: the failed step, the rollback's start and when stable had all traffic again", () => {
    const t = timeline(rolledBack);
    assert.deepEqual(t.steps.map((s) => s.outcome), ["failed", "pending", "pending"]);
    assert.equal(t.steps[0]!.analysis, "Failed");
    assert.deepEqual(t.rollback, { start: 14, restored: 16, reason: rolledBack.rollbackTriggers[0] });
    assert.deepEqual(t.weights.map((w) => [w.seconds, w.canary, w.cause]), [[0, 0, "start"], [2, 20, "step 1"], [16, 0, "rollback"]]);
  });

  it("a paused and an in-flight rollout end at now", () => {
    assert.deepEqual(timeline(paused).steps.map((s) => s.outcome), ["done", "paused", "pending"]);
    const flying = timeline(inFlight, T0 + 20_000);
    assert.equal(flying.duration_seconds, 20);
    assert.deepEqual(flying.steps.map((s) => [s.outcome, s.end]), [["done", 14], ["baking", undefined], ["pending", undefined]]);
  });
});

describe("Mermaid charts of a timeline", () => {
  it("gantt: lists each step with its outcome, on an axis of time since the start", () => {
    const text = ganttChart(timeline(succeeded));
    assert.match(text, /^gantt\n/);
    assert.match(text, /dateFormat YYYY-MM-DD HH:mm:ss\.SSS\n/);
    assert.match(text, /step 1 - 20% on green - analysis Successful :done, s1, 2000-01-01 00:00:00\.500, 2000-01-01 00:00:14\.000\n/);
    assert.deepEqual(tasks(text).map((x) => [x.name, x.tags, x.start, x.end]), [
      ["step 1 - 20% on green - analysis Successful", ["done"], 0.5, 14],
      ["step 2 - 50% on green - analysis Successful", ["done"], 14, 27.5],
      ["step 3 - 100% on green - analysis Successful", ["done"], 27.5, 41],
    ]);
  });

  it("gantt: the failed step is crit, the rollback has its own section, steps never run are left out", () => {
    const text = ganttChart(timeline(rolledBack));
    const list = tasks(text);
    assert.deepEqual(list[0]!.tags, ["crit"]);
    assert.match(list[0]!.name, /^step 1 - 20% on green - analysis Failed$/);
    assert.equal(list.filter((x) => x.name.startsWith("step")).length, 1);
    assert.match(text, /section rollback\n\s+traffic back to blue :crit, done, rb1/);
    assert.deepEqual([list[0]!.start, list[0]!.end], [0.5, 14]);
    const back = list.find((x) => x.name.startsWith("traffic back"))!;
    assert.deepEqual([back.start, back.end], [14, 16]);
    const again = list.find((x) => x.name.startsWith("prior release"))!;
    assert.deepEqual([again.start, again.end, again.tags], [16, 25, ["done"]]);
  });

  it("gantt: a paused step is active and the steps to come follow it; an in-flight step ends at now", () => {
    const list = tasks(ganttChart(timeline(paused, T0 + 30_000)));
    assert.deepEqual(list.map((x) => [x.name, x.tags]), [
      ["step 1 - 20% on green - analysis Successful", ["done"]],
      ["step 2 - 50% on green - analysis Inconclusive (paused)", ["active"]],
      ["step 3 - 100% on green (pending)", []],
    ]);
    assert.deepEqual([list[2]!.start, list[2]!.end], [30, 40]);
    const flying = tasks(ganttChart(timeline(inFlight, T0 + 20_000)));
    assert.deepEqual([flying[1]!.tags, flying[1]!.start, flying[1]!.end], [["active"], 14, 20]);
  });

  it("traffic: one sample per event time, each the share in effect then", () => {
    const t = timeline(rolledBack);
    const { labels, lines } = xy(trafficChart(t));
    assert.equal(lines.length, 1);
    assert.deepEqual(labels, ["0s", "0.5s", "2s", "12.5s", "13.5s", "14s", "16s", "25s"]);
    assert.deepEqual(lines[0], [0, 0, 20, 20, 20, 20, 0, 0]);
    assert.match(trafficChart(t), /y-axis "percent on green" 0 --> 100/);
  });

  it("metric: measured values, and the threshold as a flat second line", () => {
    const t = timeline(rolledBack);
    const { labels, lines } = xy(metricChart(t.metrics[0]!)!);
    assert.deepEqual(labels, ["12.5s", "13.5s"]);
    assert.deepEqual(lines, [[0.004, 0.31], [0.01, 0.01]]);
    const latency: MetricSeries = { name: "latency", threshold: { min: 1, max: 250 }, points: [{ seconds: 3, at: "", value: 120, phase: "Successful", step: 1 }] };
    assert.deepEqual(xy(metricChart(latency)!).lines, [[120], [250], [1]]);
    assert.match(metricChart(latency)!, /title "latency, threshold min 1, max 250 as flat line"/);
  });

  it("a pass/fail metric without values gets no chart; the charts come steps, traffic, metrics", () => {
    const charts = timelineCharts(timeline(succeeded));
    assert.deepEqual(charts.map((c) => c.kind), ["steps", "traffic", "metric"]);
    assert.match(charts[2]!.caption, /^error-share: measured values; max 0\.01$/);
  });

  it("names written anywhere cannot break a chart: quotes, brackets, colons, line breaks, comments, entities", () => {
    const clean = label(hostileName);
    for (const bad of ['"', ":", "[", "]", "{", "}", "<", ">", "\n", "%%", "#", ";", "`", "$$", "|"]) assert.ok(!clean.includes(bad), `${JSON.stringify(bad)} in ${clean}`);
    assert.equal(label("\n\t "), "-");
    assert.ok(label("x".repeat(200)).length <= 80);
    const text = metricChart(timeline(hostile).metrics[0]!)!;
    assert.equal(text.split("\n").length, 6, text);
    assert.deepEqual(xy(text).lines[0], [0.001, 0.0000001, 12345700]);
  });

  it("gantt times: seconds since the start as a clock reading on a fixed day", () => {
    assert.equal(ganttTime(0), "2000-01-01 00:00:00.000");
    assert.equal(ganttTime(12.5), "2000-01-01 00:00:12.500");
    assert.equal(ganttTime(3723.25), "2000-01-01 01:02:03.250");
    assert.equal(ganttTime(90_000), "2000-01-02 01:00:00.000");
  });

  it("numbers as xychart reads them: no exponent", () => {
    assert.equal(plainNumber(1e-7), "0.0000001");
    assert.equal(plainNumber(0.31), "0.31");
    assert.equal(plainNumber(-2.5), "-2.5");
    assert.equal(plainNumber(1e300), "1000000000000000");
    assert.equal(plainNumber(1e-30), "0");
    assert.equal(plainNumber(42), "42");
  });
});
