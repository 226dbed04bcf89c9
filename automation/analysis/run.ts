/**
 * One analysis run: every metric measured `count` times, `interval` apart, all metrics in
 * parallel. Each measurement closes its interval (the first comes one interval after the start),
 * so windowed metrics such as HAProxy's 5xx share always cover real traffic, and a run lasts
 * about count × interval (errors are retried, as in Argo Rollouts: each adds an interval).
 *
 * Stopping early:
 * - a metric stops once its phase is decided (Failed, Error, or Inconclusive past its limit);
 * - a metric decided Failed or Error stops the whole run: the run is then Failed or Error
 *   whatever the others would say, so waiting for them only delays the rollback;
 * - aborting `ctx.signal` stops the run between measurements (a measurement in flight is
 *   cancelled and not recorded). The result then has `aborted: true`.
 * A metric stopped before it was decided is Inconclusive ("stopped after 2 of 5 measurements"),
 * never Successful: what was not measured was not shown to be healthy. The run's phase is the
 * worst of its metrics' phases (see PHASE_ORDER), so an abort yields Inconclusive unless a
 * metric had already failed.
 */
import { assessMetric, isDecided, summarize, worstPhase } from "./assess";
import { createProvider as registryProvider, type RunScopedProvider } from "./providers";
import { describeError } from "./providers/common";
import type { MetricSpec } from "../../model/config/analysis";
import type { AnalysisContext, AnalysisRun, Measurement, MetricResult, Phase } from "./types";
import { scrub, secretValues } from "../../model/secrets/secret";

export interface MeasurementEvent {
  readonly metric: string;
  readonly measurement: Measurement;
  /** The metric's phase with this measurement counted. */
  readonly phase: Phase;
}

export interface RunOptions {
  /** A provider instance for one metric of this run; default: the registry in ./providers. */
  readonly createProvider?: (spec: MetricSpec) => RunScopedProvider;
  /** The clock stamping measurements and the run. Default: the system clock. */
  readonly now?: () => Date;
  /** Waits `ms`, resolving early (never rejecting) when `signal` aborts. Default: a timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called after every recorded measurement, for live progress. Errors thrown here are ignored. */
  readonly onMeasurement?: (event: MeasurementEvent) => void;
}

export interface AnalysisRunResult extends AnalysisRun {
  /** ctx.signal aborted the run before every metric was decided. */
  readonly aborted: boolean;
  /** One line: "Failed: error-rate is Failed", "Inconclusive (aborted): smoke is Inconclusive". */
  readonly message: string;
}

export function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener("abort", finish, { once: true });
  });
}

interface Deps {
  /** Decrypted secrets of the metrics: no measurement message may contain one (a script may echo its env). */
  readonly secrets: readonly string[];
  readonly now: () => Date;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onMeasurement?: (event: MeasurementEvent) => void;
}

/** Stops every metric of a run; the first reason given is the one reported. */
class Stopper {
  private readonly controller = new AbortController();
  private first: { readonly text: string; readonly byAbort: boolean } | undefined;
  readonly signal = this.controller.signal;

  halt(text: string, byAbort = false): void {
    this.first ??= { text, byAbort };
    this.controller.abort();
  }

  get reason(): string {
    return this.first?.text ?? "stopped";
  }

  get byAbort(): boolean {
    return this.first?.byAbort === true;
  }
}

interface MetricOutcome {
  readonly result: MetricResult;
  /** Stopped before its phase was decided. */
  readonly cut: boolean;
}

/** Providers must not throw; if one does anyway, it is a measurement in phase Error all the same. */
async function measureOnce(provider: RunScopedProvider, spec: MetricSpec, ctx: AnalysisContext): Promise<Measurement> {
  try {
    return await provider.measure(spec, ctx);
  } catch (error) {
    const at = new Date().toISOString();
    return { phase: "Error", message: `provider ${provider.type} threw: ${describeError(error)}`, startedAt: at, finishedAt: at };
  }
}

async function runMetric(
  spec: MetricSpec,
  provider: RunScopedProvider,
  ctx: AnalysisContext,
  stop: Stopper,
  deps: Deps,
): Promise<MetricOutcome> {
  const measurements: Measurement[] = [];
  let phase: Phase = "Pending";
  try {
    await provider.begin?.(spec, ctx);
  } catch {
    // begin() must not throw; a provider that did will report the problem in its measurements.
  }
  while (!stop.signal.aborted) {
    await deps.sleep(spec.interval, stop.signal);
    if (stop.signal.aborted) break;
    const startedAt = deps.now().toISOString();
    const raw = await measureOnce(provider, spec, ctx);
    const measured = raw.message === undefined ? raw : { ...raw, message: scrub(raw.message, deps.secrets) };
    // Cut short by the stop: not evidence either way.
    if (stop.signal.aborted) break;
    // The run's clock is the one source of time, so reports and tests agree.
    const measurement: Measurement = { ...measured, startedAt, finishedAt: deps.now().toISOString() };
    measurements.push(measurement);
    phase = assessMetric(spec, measurements);
    try {
      deps.onMeasurement?.({ metric: spec.name, measurement, phase });
    } catch {
      // Progress display must not decide a release.
    }
    if (phase === "Failed" || phase === "Error") stop.halt(`stopped because ${spec.name} is ${phase}`);
    if (isDecided(phase)) break;
  }
  const summary = summarize(spec, measurements);
  if (isDecided(phase)) return { result: { name: spec.name, phase, measurements, message: summary }, cut: false };
  const counted = measurements.filter((m) => m.phase !== "Error").length;
  return {
    result: { name: spec.name, phase: "Inconclusive", measurements, message: `${stop.reason} after ${counted} of ${spec.count} measurements; ${summary}` },
    cut: true,
  };
}

/** Measures every metric and assesses the run. Rejects only for an unknown provider type. */
export async function runAnalysis(metrics: readonly MetricSpec[], ctx: AnalysisContext, options: RunOptions = {}): Promise<AnalysisRunResult> {
  const deps: Deps = { secrets: secretValues(metrics), now: options.now ?? (() => new Date()), sleep: options.sleep ?? timerSleep, onMeasurement: options.onMeasurement };
  const create = options.createProvider ?? ((spec: MetricSpec) => registryProvider(spec.provider.type));
  // All providers first: a bad type fails the run before anything is measured.
  const providers = metrics.map((spec) => create(spec));
  const startedAt = deps.now().toISOString();

  const stop = new Stopper();
  const onAbort = () => stop.halt("aborted", true);
  if (ctx.signal?.aborted) onAbort();
  else ctx.signal?.addEventListener("abort", onAbort, { once: true });

  const runCtx: AnalysisContext = { ...ctx, signal: stop.signal };
  let outcomes: MetricOutcome[];
  try {
    outcomes = await Promise.all(metrics.map((spec, i) => runMetric(spec, providers[i]!, runCtx, stop, deps)));
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
  }
  const results = outcomes.map((o) => o.result);
  const phase = worstPhase(results.map((r) => r.phase));
  const aborted = stop.byAbort && outcomes.some((o) => o.cut);
  return { phase, metrics: results, startedAt, finishedAt: deps.now().toISOString(), aborted, message: runMessage(phase, results, aborted) };
}

function runMessage(phase: Phase, results: readonly MetricResult[], aborted: boolean): string {
  if (results.length === 0) return "Successful: no metrics to analyse";
  const deciding = results.filter((r) => r.phase === phase).map((r) => r.name);
  if (phase === "Successful") return `Successful: ${results.length === 1 ? "the metric passed" : `all ${results.length} metrics passed`}`;
  return `${phase}${aborted ? " (aborted)" : ""}: ${deciding.join(", ")} ${deciding.length === 1 ? "is" : "are"} ${phase}`;
}
