/**
 * What every metric provider shares: the never-throw wrapper, context templating, slot
 * resolution and error descriptions that name the cause without leaking secrets.
 */
import type { Slot } from "../../../model/weights";
import type { ProviderType, MetricSpecOf, SlotRef } from "../../../model/config/analysis";
import { TEMPLATE_VARIABLES } from "../../../model/config/analysis";
import type { AnalysisContext, Measurement, MetricProvider, Phase } from "../types";
import { isSecret, REDACTED, type Secretable } from "../../../model/secrets/secret";

/**
 * A provider as the run uses it: one instance per metric and run, so a provider that compares
 * counters (HAProxy) can keep the previous ones. `begin` runs once before the first
 * measurement; like `measure`, it must not throw.
 */
export interface RunScopedProvider<T extends ProviderType = ProviderType> extends MetricProvider<MetricSpecOf<T>> {
  readonly type: T;
  begin?(spec: MetricSpecOf<T>, ctx: AnalysisContext): Promise<void>;
}

/** The part of a measurement a provider decides; times are added by `measureSafely`. */
export interface Outcome {
  readonly phase: Phase;
  readonly value?: number;
  readonly message: string;
}

/** Runs one measurement attempt, turning anything thrown into a measurement in phase Error. */
export async function measureSafely(attempt: () => Promise<Outcome>): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  let outcome: Outcome;
  try {
    outcome = await attempt();
  } catch (error) {
    outcome = { phase: "Error", message: describeError(error) };
  }
  // NaN means "no data" and is said in the message; it would become null in JSON reports.
  const { value, ...rest } = outcome;
  return { ...rest, ...(value !== undefined && !Number.isNaN(value) ? { value } : {}), startedAt, finishedAt: new Date().toISOString() };
}

/** `{{service}}` and friends, from the context; the schema rejects unknown placeholders. */
export function expandTemplate(text: string, ctx: AnalysisContext): string {
  const values: Record<(typeof TEMPLATE_VARIABLES)[number], string> = {
    stack: ctx.stack,
    service: ctx.service,
    canarySlot: ctx.canarySlot,
    stableSlot: ctx.stableSlot,
  };
  return text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, name: string) => (name in values ? values[name as keyof typeof values] : whole));
}

export const resolveSlot = (ref: SlotRef, ctx: AnalysisContext): Slot => (ref === "canary" ? ctx.canarySlot : ref === "stable" ? ctx.stableSlot : ref);

/** Scheme, host and path only: user info and query strings may carry tokens. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * How a measurement names the URL it called: a URL given as a Pulumi secret is not shown at all
 * (a webhook's token is often its path); a plaintext one loses user info and query.
 */
export function shownUrl(given: Secretable | undefined, used: string): string {
  return isSecret(given) ? `${REDACTED} URL` : redactUrl(used);
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed",
  ETIMEDOUT: "connection timed out",
  ENOENT: "not found",
  EACCES: "permission denied",
  EHOSTUNREACH: "host unreachable",
};

/**
 * One line naming the cause. fetch() hides it in `cause` ("fetch failed" says nothing), and
 * abort/timeout errors get their own words.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timed out";
  if (error.name === "AbortError") return "aborted";
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && error.message === "fetch failed") return describeError(cause);
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && ERRNO_TEXT[code]) return `${ERRNO_TEXT[code]} (${code})`;
  return error.message.split("\n")[0]!.slice(0, 300);
}

/** A timeout, plus the run's stop signal when there is one. */
export function deadline(timeoutMs: number, ctx: AnalysisContext): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
}

/** A JSON-safe view of the context for webhooks and commands (the signal is not data). */
export function contextPayload(ctx: AnalysisContext): Record<string, unknown> {
  const { signal: _signal, ...rest } = ctx;
  return rest;
}

/** Reads `a.b.c` from parsed JSON; undefined when any step is missing. */
export function valueAtPath(data: unknown, dotted: string): unknown {
  let current: unknown = data;
  for (const key of dotted.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = Array.isArray(current) && /^\d+$/.test(key) ? current[Number(key)] : (current as Record<string, unknown>)[key];
  }
  return current;
}
