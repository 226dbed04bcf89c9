/**
 * HAProxy stats of one slot's server, read from the runtime API socket (local target).
 * errorShare is windowed: 5xx / responses since the previous measurement of this metric, the
 * first one against counters read when the run begins, so old traffic never dilutes a new
 * failure. responseTime is HAProxy's own average over the server's last 1024 responses.
 */
import { serverStats, type ServerStat } from "../../../components/local/runtime-api";
import { formatValue, judgeValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { describeError, measureSafely, resolveSlot, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"haproxy">;

interface Counters {
  readonly responses5xx: number;
  readonly responsesTotal: number;
}

/** Reads stats through a function so tests can feed counters; the default asks the socket. */
export type StatsReader = (socketPath: string, backend: string) => Promise<ServerStat[]>;

function target(spec: Spec, ctx: AnalysisContext) {
  const socketPath = spec.provider.socketPath ?? ctx.haproxy?.socketPath;
  const backend = spec.provider.backend ?? ctx.haproxy?.backend;
  return { socketPath, backend, server: resolveSlot(spec.provider.slot, ctx) };
}

/**
 * The 5xx share between two readings. Counters that went down mean HAProxy restarted; the
 * current counters are then the whole window.
 */
export function windowShare(previous: Counters, current: Counters): { share: number; errors: number; responses: number; reset: boolean } {
  const reset = current.responsesTotal < previous.responsesTotal || current.responses5xx < previous.responses5xx;
  const base = reset ? { responses5xx: 0, responsesTotal: 0 } : previous;
  const responses = current.responsesTotal - base.responsesTotal;
  const errors = current.responses5xx - base.responses5xx;
  return { share: responses === 0 ? Number.NaN : errors / responses, errors, responses, reset };
}

export function createHaproxyProvider(readStats: StatsReader = serverStats): RunScopedProvider<"haproxy"> {
  let previous: Counters | undefined;
  let baselineProblem: string | undefined;

  async function read(spec: Spec, ctx: AnalysisContext): Promise<ServerStat> {
    const { socketPath, backend, server } = target(spec, ctx);
    if (!socketPath || !backend) throw new Error("no HAProxy socket or backend in the analysis context; set provider.socketPath and provider.backend");
    const stat = (await readStats(socketPath, backend)).find((s) => s.server === server);
    if (!stat) throw new Error(`HAProxy backend ${backend} has no server ${server}`);
    return stat;
  }

  async function measure(spec: Spec, ctx: AnalysisContext): Promise<Outcome> {
    const { backend, server } = target(spec, ctx);
    const stat = await read(spec, ctx);
    const where = `${backend}/${server}`;
    if (spec.provider.measure === "responseTime") {
      if (stat.responsesTotal === 0) return { phase: "Inconclusive", message: `${where}: no responses yet, no response time` };
      const verdict = judgeValue(stat.responseTimeMs, spec.successCondition, "response time ms");
      return { phase: verdict.phase, value: stat.responseTimeMs, message: `${where}: ${verdict.message}` };
    }
    const before = previous;
    previous = { responses5xx: stat.responses5xx, responsesTotal: stat.responsesTotal };
    if (!before) {
      // The baseline read at run start failed: these counters become the baseline instead.
      return { phase: "Error", message: `${where}: no baseline (${baselineProblem ?? "not read"}); counters read now, the next measurement compares with them` };
    }
    const window = windowShare(before, previous);
    const restart = window.reset ? " (counters reset: HAProxy restarted)" : "";
    if (window.responses === 0) return { phase: "Inconclusive", message: `${where}: no data: no responses since the previous measurement${restart}` };
    const verdict = judgeValue(window.share, spec.successCondition, "5xx share");
    return { phase: verdict.phase, value: window.share, message: `${where}: ${verdict.message} (${window.errors} of ${window.responses} responses${restart}, ${formatValue(stat.responseTimeMs)} ms avg)` };
  }

  return {
    type: "haproxy",
    async begin(spec, ctx) {
      if (spec.provider.measure !== "errorShare") return;
      try {
        const stat = await read(spec, ctx);
        previous = { responses5xx: stat.responses5xx, responsesTotal: stat.responsesTotal };
      } catch (error) {
        baselineProblem = describeError(error);
      }
    },
    measure: (spec, ctx) => measureSafely(() => measure(spec, ctx)),
  };
}
