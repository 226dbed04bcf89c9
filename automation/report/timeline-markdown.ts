/**
 * A rollout's timeline as a Markdown section: each Mermaid chart under a one-line caption, and a
 * word for each metric that had nothing to draw (a pass/fail probe), so that no metric silently
 * goes missing. Shared by the rollout reports and the drift report.
 */
import { cell, mermaidFence } from "./markdown-text";
import { metricChart, timelineCharts } from "./render-mermaid";
import type { Timeline } from "./timeline";

export function timelineSection(t: Timeline, heading = "####"): string[] {
  const lines = [`${heading} Timeline of ${t.kind} \`${cell(t.id)}\``];
  for (const chart of timelineCharts(t)) lines.push("", `_${cell(chart.caption)}_`, "", mermaidFence(chart.text));
  const uncharted = t.metrics.filter((series) => !metricChart(series));
  if (uncharted.length) {
    lines.push("");
    for (const series of uncharted) {
      const phases = new Map<string, number>();
      for (const point of series.points) phases.set(point.phase, (phases.get(point.phase) ?? 0) + 1);
      const counts = [...phases].map(([phase, n]) => `${n} ${phase}`).join(", ") || "no measurement";
      lines.push(`- \`${cell(series.name)}\`: no values to draw (pass or fail only): ${counts}`);
    }
  }
  return lines;
}
