/**
 * Prometheus instant query (`GET /api/v1/query`). The query must give one number: a scalar or a
 * vector of one series. An empty vector or NaN is no data (Inconclusive); several series are an
 * Error, because which one to judge would be a guess: aggregate them in the query.
 */
import { judgeValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { plain, plainRecord } from "../../../model/secrets/secret";
import { deadline, describeError, expandTemplate, measureSafely, shownUrl, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"prometheus">;

/** The part of Prometheus' answer we read; see prometheus.io/docs/prometheus/latest/querying/api. */
interface QueryAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Prometheus sends sample values as strings: "0.25", "NaN", "+Inf" (which Number() does not read). */
function sampleValue(sample: unknown): number | undefined {
  if (!Array.isArray(sample) || typeof sample[1] !== "string") return undefined;
  const text = sample[1];
  if (/^[+-]?Inf$/.test(text)) return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  return text.trim() === "" || Number.isNaN(value) ? undefined : value;
}

/** Turns a successful answer into one number, or an outcome saying why there is none. */
export function valueOfAnswer(data: QueryAnswer["data"]): number | Outcome {
  const { resultType, result } = data ?? {};
  if (resultType === "scalar") {
    const value = sampleValue(result);
    return value ?? { phase: "Error", message: "malformed scalar result" };
  }
  if (resultType === "vector" && Array.isArray(result)) {
    if (result.length === 0) return { phase: "Inconclusive", message: "no data: the query returned an empty vector" };
    if (result.length > 1) return { phase: "Error", message: `the query returned ${result.length} series; aggregate them to one (e.g. sum(...))` };
    const value = sampleValue((result[0] as { value?: unknown }).value);
    return value ?? { phase: "Error", message: "malformed vector sample" };
  }
  return { phase: "Error", message: `result type ${resultType ?? "(none)"} is not supported; use a query giving a scalar or an instant vector` };
}

async function query(spec: Spec, ctx: AnalysisContext): Promise<Outcome> {
  const address = plain(spec.provider.address);
  const url = new URL("api/v1/query", address.endsWith("/") ? address : `${address}/`);
  url.searchParams.set("query", expandTemplate(spec.provider.query, ctx));
  const shown = `Prometheus ${shownUrl(spec.provider.address, url.toString())}`;
  let answer: QueryAnswer;
  let status: number;
  try {
    const response = await fetch(url, { headers: { accept: "application/json", ...plainRecord(spec.provider.headers) }, signal: deadline(spec.provider.timeout, ctx) });
    status = response.status;
    const text = await response.text();
    try {
      answer = JSON.parse(text) as QueryAnswer;
    } catch {
      return { phase: "Error", message: `${shown}: status ${status}, answer is not JSON` };
    }
  } catch (error) {
    const cause = describeError(error);
    return { phase: "Error", message: `${shown}: ${cause === "timed out" ? `no answer within ${spec.provider.timeout} ms` : cause}` };
  }
  if (answer.status !== "success") {
    return { phase: "Error", message: `${shown}: status ${status}, ${answer.errorType ?? "error"}: ${answer.error ?? "no reason given"}` };
  }
  const value = valueOfAnswer(answer.data);
  if (typeof value !== "number") return value;
  const verdict = judgeValue(value, spec.successCondition);
  return { phase: verdict.phase, value, message: verdict.message };
}

export function createPrometheusProvider(): RunScopedProvider<"prometheus"> {
  return { type: "prometheus", measure: (spec, ctx) => measureSafely(() => query(spec, ctx)) };
}
