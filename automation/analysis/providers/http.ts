/**
 * HTTP probe of the new slot: the status decides pass/fail, the latency (ms, until the whole body
 * is read) is the value and is compared with successCondition when there is one.
 */
import { judgeValue, formatValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { plain, plainRecord } from "../../../model/secrets/secret";
import { deadline, describeError, measureSafely, shownUrl, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"http">;

/** The URL to probe: the given one, or the canary slot's own endpoint plus the path. */
export function probeUrl(spec: Spec, ctx: AnalysisContext): string | undefined {
  if (spec.provider.url) return plain(spec.provider.url);
  const base = ctx.slotEndpoints[ctx.canarySlot];
  return base === undefined ? undefined : new URL(spec.provider.path, base).toString();
}

const statusOk = (status: number, expected: readonly number[] | undefined) => (expected ? expected.includes(status) : status >= 200 && status < 300);

async function probe(spec: Spec, ctx: AnalysisContext): Promise<Outcome> {
  const url = probeUrl(spec, ctx);
  if (url === undefined) {
    return { phase: "Error", message: `no endpoint for the canary slot ${ctx.canarySlot} in the analysis context; set provider.url` };
  }
  const shown = `GET ${shownUrl(spec.provider.url, url)}`;
  const started = performance.now();
  let status: number;
  try {
    const response = await fetch(url, { headers: plainRecord(spec.provider.headers), signal: deadline(spec.provider.timeout, ctx), redirect: "manual" });
    await response.arrayBuffer();
    status = response.status;
  } catch (error) {
    const cause = describeError(error);
    return { phase: "Error", message: `${shown}: ${cause === "timed out" ? `no answer within ${spec.provider.timeout} ms` : cause}` };
  }
  const latency = Math.round(performance.now() - started);
  if (!statusOk(status, spec.provider.expectStatus)) {
    const expected = spec.provider.expectStatus?.join(" or ") ?? "2xx";
    return { phase: "Failed", value: latency, message: `${shown}: status ${status}, expected ${expected} (${formatValue(latency)} ms)` };
  }
  const verdict = judgeValue(latency, spec.successCondition, "latency ms");
  return { phase: verdict.phase, value: latency, message: `${shown}: status ${status}, ${verdict.message}` };
}

export function createHttpProvider(): RunScopedProvider<"http"> {
  return { type: "http", measure: (spec, ctx) => measureSafely(() => probe(spec, ctx)) };
}
