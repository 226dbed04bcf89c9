/**
 * The rollout timeline as Mermaid charts, for Markdown that GitHub renders natively (PR comments,
 * CI step summaries): a `gantt` of the steps, an `xychart-beta` line of the canary's traffic share,
 * and one `xychart-beta` per metric with its threshold as a flat second line. Only syntax that
 * GitHub's Mermaid (a 10.x, which knows `xychart-beta` but not `xychart`) and Mermaid 12 both
 * accept. Every text that reaches a chart goes through `label`, so that no name written in a stack
 * file can break a chart. Pure.
 */
import { canaryShareAt, eventTimes, type MetricSeries, type StepOutcome, type Timeline, type TimelineThreshold } from "./timeline";

export interface MermaidChart {
  readonly kind: "steps" | "traffic" | "metric";
  /** What the chart shows, in a sentence: a caption above it. */
  readonly caption: string;
  /** The chart's Mermaid source, without the fence. */
  readonly text: string;
}

/** Points per xychart at most: beyond that the labels of the x-axis run into each other. */
const MAX_POINTS = 60;
/** Seconds a gantt bar lasts at least, so that a step of a few milliseconds is still drawn. */
const MIN_BAR_SECONDS = 1;

/**
 * Text safe anywhere in a chart: in a gantt task name (ended by `:`, cut by `#` and `;`), in a
 * quoted xychart string (ended by `"`), in a title. Brackets and braces become parentheses, angle
 * brackets (HTML to Mermaid's sanitiser) become ‹ and ›,
 * Mermaid's comment (`%%`), entity (`#…;`), Markdown-string (backtick) and math (`$$`) markers go,
 * control characters and line breaks become spaces.
 */
export function label(text: string, max = 80): string {
  const clean = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/["`]/g, "'")
    .replace(/[[{]/g, "(")
    .replace(/[\]}]/g, ")")
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/[#;:|\\]/g, " ")
    .replace(/%{2,}/g, "%")
    .replace(/\${2,}/g, "$")
    .replace(/\s+/g, " ")
    .trim();
  if (!clean) return "-";
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

/**
 * A number as Mermaid's xychart reads one (`-?digits[.digits]`: no exponent, no NaN), to six
 * significant digits.
 */
export function plainNumber(value: number): string {
  const bounded = Math.max(-1e15, Math.min(1e15, value));
  const rounded = Number(bounded.toPrecision(6));
  if (Number.isInteger(rounded)) return String(rounded);
  const digits = Math.min(20, Math.max(0, 5 - Math.floor(Math.log10(Math.abs(rounded)))));
  return rounded.toFixed(digits).replace(/\.?0+$/, "") || "0";
}

const seconds = (at: number) => `${plainNumber(Math.round(at * 10) / 10)}s`;
const quoted = (text: string) => `"${label(text)}"`;

/** Whether the timeline has stopped for good: steps not begun by then never will be. */
const finished = (t: Timeline) => t.status === "succeeded" || t.status === "rolled-back" || t.status === "failed";

const GANTT_TAGS: Readonly<Record<StepOutcome, string>> = {
  done: "done",
  failed: "crit",
  paused: "active",
  shifting: "active",
  baking: "active",
  analysing: "active",
  pending: "",
};

export const stepName = (t: Timeline, step: Timeline["steps"][number]): string =>
  `step ${step.index}${step.kind === "shift" ? "" : ` ${step.kind}`} - ${step.weight}% on ${t.canary_slot}${step.analysis ? ` - analysis ${step.analysis}` : ""}${step.outcome === "pending" ? " (pending)" : step.outcome === "paused" ? " (paused)" : ""}`;

/**
 * Seconds since the start as a gantt time: the clock reading that far past midnight on a fixed
 * day. Mermaid reads a date without a zone in the viewer's time zone and draws the axis in that
 * same zone, so the axis shows time since the start (00:00:12) wherever it is viewed; 1 January
 * has no daylight-saving change anywhere. Unix times (`dateFormat X`) would not do: Mermaid 12
 * reads an integer start as milliseconds, 10.x refuses a fraction (mermaid-js/mermaid#5216), and
 * an axis of real times would shift by the viewer's zone.
 */
export function ganttTime(seconds: number): string {
  const date = new Date(Date.UTC(2000, 0, 1) + Math.round(Math.max(0, seconds) * 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${String(date.getUTCMilliseconds()).padStart(3, "0")}`;
}

/**
 * The steps as a gantt over time since the start. Steps that have not begun are drawn after the
 * running one for their bake while the rollout goes on, and left out once it has ended (they
 * never ran).
 */
export function ganttChart(t: Timeline): string {
  const bar = (name: string, tags: string, id: string, start: number, end: number) =>
    `    ${label(name)} :${[tags, id].filter(Boolean).join(", ")}, ${ganttTime(start)}, ${ganttTime(Math.max(end, start + MIN_BAR_SECONDS))}`;
  const lines = [
    "gantt",
    `    title ${label(`${t.kind === "rollback" ? "Rollback" : "Rollout"} ${t.id} (${t.strategy}), ${t.stable_version} on ${t.stable_slot} to ${t.canary_version} on ${t.canary_slot}, ${t.status}`, 120)}`,
    "    dateFormat YYYY-MM-DD HH:mm:ss.SSS",
    `    axisFormat ${t.duration_seconds >= 3600 ? "%H:%M" : "%H:%M:%S"}`,
    "    todayMarker off",
    "    section steps",
  ];
  let cursor = 0;
  for (const step of t.steps) {
    if (step.start === undefined) {
      if (finished(t)) continue;
      lines.push(bar(stepName(t, step), "", `s${step.index}`, cursor, cursor + step.bake_seconds));
      cursor += Math.max(step.bake_seconds, MIN_BAR_SECONDS);
      continue;
    }
    // A failed step lasted until the rollback began; a running one lasts until now.
    const end = step.end ?? (step.outcome === "failed" && t.rollback ? t.rollback.start : t.duration_seconds);
    lines.push(bar(stepName(t, step), GANTT_TAGS[step.outcome], `s${step.index}`, step.start, end));
    cursor = Math.max(cursor, end, step.start + MIN_BAR_SECONDS);
  }
  if (t.rollback) {
    // The reason stays out of the bar (it would overrun it): the reports list it beside the chart.
    const { start, restored } = t.rollback;
    lines.push("    section rollback");
    lines.push(bar(`traffic back to ${t.stable_slot}`, restored === undefined ? "crit, active" : "crit, done", "rb1", start, restored ?? t.duration_seconds));
    if (restored !== undefined && t.duration_seconds > restored) {
      lines.push(bar(`prior release applied again`, finished(t) ? "done" : "active", "rb2", restored, t.duration_seconds));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The canary's share of traffic, sampled at every event time (a step function read at each). */
export function trafficChart(t: Timeline): string {
  const times = eventTimes(t, MAX_POINTS);
  return [
    "xychart-beta",
    `    title ${quoted(`Traffic on ${t.canary_slot} (${t.canary_version}), percent`)}`,
    `    x-axis ${quoted("seconds since start")} [${uniqueLabels(times.map(seconds)).map(quoted).join(", ")}]`,
    `    y-axis ${quoted(`percent on ${t.canary_slot}`)} 0 --> 100`,
    `    line [${times.map((s) => plainNumber(canaryShareAt(t.weights, s))).join(", ")}]`,
    "",
  ].join("\n");
}

export function thresholdText(threshold: TimelineThreshold | undefined): string {
  if (!threshold) return "no threshold";
  const parts = [threshold.min !== undefined ? `min ${plainNumber(threshold.min)}` : "", threshold.max !== undefined ? `max ${plainNumber(threshold.max)}` : ""];
  return parts.filter(Boolean).join(", ");
}

/** The points a metric chart draws: those with a value, thinned past MAX_POINTS keeping every one that did not pass. */
function drawnPoints(series: MetricSeries) {
  const valued = series.points.filter((p) => p.value !== undefined && Number.isFinite(p.value));
  if (valued.length <= MAX_POINTS) return valued;
  const notPassed = valued.filter((p) => p.phase !== "Successful");
  const passed = valued.filter((p) => p.phase === "Successful");
  const room = Math.max(0, MAX_POINTS - notPassed.length);
  const kept = new Set([...notPassed, ...Array.from({ length: room }, (_, i) => passed[Math.floor((i * passed.length) / room)]!)]);
  return valued.filter((p) => kept.has(p));
}

/** One metric's measured values and its threshold(s) as flat lines; undefined when no measurement had a value (a pass/fail probe). */
export function metricChart(series: MetricSeries): string | undefined {
  const points = drawnPoints(series);
  if (points.length === 0) return undefined;
  const flat = (value: number) => `    line [${points.map(() => plainNumber(value)).join(", ")}]`;
  const bounds = [series.threshold?.max, series.threshold?.min].filter((v): v is number => v !== undefined && Number.isFinite(v));
  return [
    "xychart-beta",
    `    title ${quoted(`${label(series.name, 60)}, ${series.threshold ? `threshold ${thresholdText(series.threshold)} as flat line` : "no threshold"}`)}`,
    `    x-axis ${quoted("seconds since start")} [${uniqueLabels(points.map((p) => seconds(p.seconds))).map(quoted).join(", ")}]`,
    `    y-axis ${quoted(label(series.name, 40))}`,
    `    line [${points.map((p) => plainNumber(p.value!)).join(", ")}]`,
    ...bounds.map(flat),
    "",
  ].join("\n");
}

/** Category labels must differ, or two points share one place on the axis. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((text) => {
    const n = (seen.get(text) ?? 0) + 1;
    seen.set(text, n);
    return n === 1 ? text : `${text} (${n})`;
  });
}

/** Every chart of a timeline, in reading order: steps, traffic, then each metric with values. */
export function timelineCharts(t: Timeline): MermaidChart[] {
  const charts: MermaidChart[] = [
    { kind: "steps", caption: `Steps of ${t.kind} ${t.id} over time`, text: ganttChart(t) },
    { kind: "traffic", caption: `Share of traffic on ${t.canary_slot} (${t.canary_version}), sampled at every event`, text: trafficChart(t) },
  ];
  for (const series of t.metrics) {
    const text = metricChart(series);
    if (text) charts.push({ kind: "metric", caption: `${series.name}: measured values; ${thresholdText(series.threshold)}`, text });
  }
  return charts;
}
