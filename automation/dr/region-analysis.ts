/**
 * Analysis of one region, with the stack's own metrics pointed at that region's entry point
 * (bypassing the regional split): the http, prometheus, webhook, command and cloudwatch metrics
 * run as written, with their count fitted to the time the move gives them; HAProxy metrics are
 * left out (they measure the slots of one HAProxy, not a region). A stack without an applicable
 * metric gets one plain probe: GET / answered 2xx. Pure apart from runAnalysis itself.
 */
import { metricSchema, type MetricSpec } from "../../model/config/analysis";
import type { RegionsOutputs, StackOutputs } from "../../model/outputs";
import type { Slot } from "../../model/weights";
import { runAnalysis } from "../analysis/run";
import type { AnalysisContext, AnalysisRun } from "../analysis/types";

export const DEFAULT_REGION_METRIC: MetricSpec = metricSchema.parse({ name: "region-http", provider: { type: "http", path: "/" }, interval: "1s", count: 1 });

/**
 * The metrics a region is judged by, each fitted to `ms`: at least one measurement, none longer
 * than `ms` apart. `single`: one measurement whose error counts at once (the watch keeps its own
 * streak of failures; retrying an error there would add intervals to the recovery time).
 */
export function regionMetrics(metrics: readonly MetricSpec[] | undefined, ms: number, single = false): MetricSpec[] {
  const applicable = (metrics ?? []).filter((metric) => metric.provider.type !== "haproxy");
  const chosen = applicable.length > 0 ? applicable : [DEFAULT_REGION_METRIC];
  return chosen.map((metric) => {
    const interval = Math.min(metric.interval, Math.max(100, ms));
    if (single) return { ...cutAtThreshold(metric), interval, count: 1, consecutiveErrorLimit: 0 };
    return { ...metric, interval, count: Math.max(1, Math.floor(ms / interval)) };
  });
}

/**
 * An HTTP probe judged on latency fails once its threshold passes: waiting out a slow answer would
 * only add to the recovery time (its timeout says "no answer within <max> ms").
 */
function cutAtThreshold(metric: MetricSpec): MetricSpec {
  const max = metric.successCondition?.max;
  if (metric.provider.type !== "http" || max === undefined || max <= 0) return metric;
  return { ...metric, provider: { ...metric.provider, timeout: Math.min(metric.provider.timeout, Math.ceil(max)) } };
}

/** The slot that serves most traffic: the one a region's probes answer from. */
const servingSlot = (outputs: StackOutputs): Slot => ((outputs.weights?.green ?? 0) > (outputs.weights?.blue ?? 0) ? "green" : "blue");

export class RegionUnknownError extends Error {
  constructor(region: string, regions: RegionsOutputs | undefined) {
    super(regions ? `region "${region}" has no endpoint in the stack's outputs (regions: ${regions.names.join(", ")})` : `the stack exports no regions: deploy it with a switchyard:dr block and a standby region`);
  }
}

/** The analysis context of one region: its own endpoint stands for the serving slot. */
export function regionContext(stack: string, service: string, outputs: StackOutputs, region: string, signal?: AbortSignal): AnalysisContext {
  const endpoint = outputs.regions?.endpoints[region];
  if (!endpoint) throw new RegionUnknownError(region, outputs.regions);
  const slot = servingSlot(outputs);
  return {
    stack,
    service,
    canarySlot: slot,
    stableSlot: slot === "blue" ? "green" : "blue",
    weights: outputs.weights ?? { blue: 100, green: 0 },
    endpoint,
    slotEndpoints: { [slot]: endpoint },
    signal,
  };
}

export async function analyseRegion(metrics: readonly MetricSpec[], ctx: AnalysisContext, ms: number, single = false): Promise<AnalysisRun> {
  const run = await runAnalysis(regionMetrics(metrics, ms, single), ctx);
  return { phase: run.phase, metrics: run.metrics, startedAt: run.startedAt, finishedAt: run.finishedAt };
}
