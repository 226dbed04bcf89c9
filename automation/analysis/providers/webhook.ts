/**
 * A webhook gate: POST the analysis context as JSON; a 2xx answer passes, any other status fails,
 * no answer is an Error. With valuePath, the number at that path of the JSON answer is the value
 * and successCondition decides. Headers (often tokens) are sent, never shown.
 */
import { judgeValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { plain, plainRecord } from "../../../model/secrets/secret";
import { contextPayload, deadline, describeError, measureSafely, shownUrl, valueAtPath, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"webhook">;

async function call(spec: Spec, ctx: AnalysisContext): Promise<Outcome> {
  const url = plain(spec.provider.url);
  const shown = `POST ${shownUrl(spec.provider.url, url)}`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...plainRecord(spec.provider.headers) },
      body: JSON.stringify({ metric: spec.name, ...contextPayload(ctx) }),
      signal: deadline(spec.provider.timeout, ctx),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const cause = describeError(error);
    return { phase: "Error", message: `${shown}: ${cause === "timed out" ? `no answer within ${spec.provider.timeout} ms` : cause}` };
  }
  if (status < 200 || status > 299) return { phase: "Failed", message: `${shown}: status ${status}, expected 2xx` };
  const path = spec.provider.valuePath;
  if (path === undefined) return { phase: "Successful", message: `${shown}: status ${status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { phase: "Error", message: `${shown}: status ${status}, but the answer is not JSON (valuePath ${path} needs JSON)` };
  }
  const found = valueAtPath(body, path);
  if (found === undefined || found === null) return { phase: "Inconclusive", message: `${shown}: no data at ${path}` };
  // Numbers sent as strings ("0.02") are common in metric APIs; accept them.
  const value = typeof found === "number" ? found : typeof found === "string" && found.trim() !== "" ? Number(found) : Number.NaN;
  if (Number.isNaN(value) && !(typeof found === "string" && found === "NaN")) {
    return { phase: "Error", message: `${shown}: ${path} is not a number (${typeof found})` };
  }
  const verdict = judgeValue(value, spec.successCondition, path);
  return { phase: verdict.phase, value, message: `${shown}: ${verdict.message}` };
}

export function createWebhookProvider(): RunScopedProvider<"webhook"> {
  return { type: "webhook", measure: (spec, ctx) => measureSafely(() => call(spec, ctx)) };
}
