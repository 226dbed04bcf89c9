/**
 * The analysis config a user writes under `switchyard:analysis`: a list of metrics, each with a
 * provider, a cadence, Argo Rollouts-style limits and a threshold. Durations are parsed here,
 * once, so the rest of the code only sees milliseconds.
 */
import { z } from "zod";
import { secretable } from "../secrets/schema";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * "500ms", "30s", "2m", "1h", or a number of seconds, to milliseconds. Throws a RangeError naming
 * the accepted forms when the value is none of them.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`duration ${value} must be a number of seconds, 0 or more`);
    return Math.round(value * 1000);
  }
  const match = DURATION.exec(value.trim());
  if (!match) throw new RangeError(`duration "${value}" must look like 500ms, 30s, 2m or 1h, or be a number of seconds`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** A duration as users write it; the output is milliseconds. */
export const durationSchema = z.union([z.number(), z.string()], { message: 'must be a duration such as "30s" or "2m", or a number of seconds' }).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const positiveDuration = durationSchema.refine((ms) => ms > 0, { message: "must be longer than 0" });
const limit = (what: string) => z.number().int(`${what} must be a whole number`).min(0, `${what} must be 0 or more`);
const httpUrl = z.url({ protocol: /^https?$/, message: "must be an absolute http:// or https:// URL" });
/** A URL that may carry a token (a webhook's path, a password, a query): plaintext or a Pulumi secret. */
const credentialUrl = secretable(httpUrl);
/** Header values may be tokens: plaintext or Pulumi secrets, sent, never shown in a measurement message. */
const headers = z.record(z.string().min(1), secretable(z.string({ message: "must be a string" })), { message: "must map header names to string values" });

/** Placeholders a query, URL or dimension value may use; filled in from the analysis context. */
export const TEMPLATE_VARIABLES = ["stack", "service", "canarySlot", "stableSlot"] as const;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const templated = z
  .string()
  .min(1, "must not be empty")
  .refine((text) => [...text.matchAll(PLACEHOLDER)].every((m) => (TEMPLATE_VARIABLES as readonly string[]).includes(m[1]!)), {
    message: `may only use the placeholders ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")}`,
  });

/** Which slot a per-slot metric looks at; canary and stable are resolved per rollout. */
const slotRef = z.enum(["canary", "stable", "blue", "green"], { message: "must be canary, stable, blue or green" });

const httpProvider = z.strictObject({
  type: z.literal("http"),
  /** Absolute URL to probe. Default: the canary slot's own endpoint + `path`. */
  url: credentialUrl.optional(),
  path: z.string().startsWith("/", "must start with /").default("/"),
  /** Statuses that count as healthy. Default: any 2xx. */
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1, "must list at least one status").optional(),
  timeout: positiveDuration.default(2000),
  headers: headers.optional(),
});

const haproxyProvider = z.strictObject({
  type: z.literal("haproxy"),
  /** errorShare: 5xx / all responses since the previous measurement; responseTime: HAProxy's average in ms. */
  measure: z.enum(["errorShare", "responseTime"], { message: "must be errorShare or responseTime" }),
  slot: slotRef.default("canary"),
  /** Override the runtime API socket and backend the analysis context gives (local target). */
  socketPath: z.string().min(1).optional(),
  backend: z.string().min(1).optional(),
});

const prometheusProvider = z.strictObject({
  type: z.literal("prometheus"),
  /** Base URL of the Prometheus server, e.g. http://prometheus:9090. */
  address: credentialUrl,
  /** PromQL giving one number (a scalar or a one-series vector). */
  query: templated,
  timeout: positiveDuration.default(5000),
  headers: headers.optional(),
});

const cloudwatchMetric = z.strictObject({
  namespace: z.string().min(1),
  name: z.string().min(1),
  dimensions: z.record(z.string().min(1), templated).default({}),
  /** Average, Sum, Minimum, Maximum, SampleCount, or a percentile such as p99. */
  statistic: z.string().regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/, "must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99").default("Average"),
  /** The look-back window: one datapoint aggregated over it. CloudWatch wants a multiple of 60s. */
  period: durationSchema.refine((ms) => ms >= 60_000 && ms % 60_000 === 0, { message: "must be a whole number of minutes (CloudWatch periods are multiples of 60s)" }).default(300_000),
});

const cloudwatchProvider = z
  .strictObject({
    type: z.literal("cloudwatch"),
    region: z.string().min(1).optional(),
    /** Another endpoint (tests, VPC endpoints). Credentials come from the SDK's default chain. */
    endpoint: httpUrl.optional(),
    /** Alarm state: ALARM → Failed, OK → Successful, INSUFFICIENT_DATA → Inconclusive. */
    alarm: templated.optional(),
    /** A metric statistic compared with successCondition. */
    metric: cloudwatchMetric.optional(),
  })
  .refine((p) => (p.alarm === undefined) !== (p.metric === undefined), { message: "give exactly one of alarm or metric" });

const commandProvider = z.strictObject({
  type: z.literal("command"),
  /** Program and arguments, run without a shell. Context comes in SWITCHYARD_* environment variables. */
  argv: z.array(z.string()).min(1, "must name at least the program"),
  cwd: z.string().min(1).optional(),
  /** Extra environment variables; values may be Pulumi secrets. */
  env: z.record(z.string(), secretable(z.string({ message: "must be a string" }))).optional(),
  timeout: positiveDuration.default(30_000),
  /** Read the value from the last line of stdout and compare it with successCondition. */
  valueFromStdout: z.boolean().default(false),
});

const webhookProvider = z.strictObject({
  type: z.literal("webhook"),
  /** Receives a POST with the analysis context as JSON; any 2xx passes. */
  url: credentialUrl,
  headers: headers.optional(),
  timeout: positiveDuration.default(10_000),
  /** Dotted path of a number in the JSON answer (e.g. "data.errorRate"), compared with successCondition. */
  valuePath: z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, "must be a dotted path such as data.errorRate").optional(),
});

export const PROVIDER_TYPES = ["http", "haproxy", "prometheus", "cloudwatch", "command", "webhook"] as const;

export const providerSchema = z.discriminatedUnion("type", [httpProvider, haproxyProvider, prometheusProvider, cloudwatchProvider, commandProvider, webhookProvider], {
  error: (issue) => (issue.code === "invalid_union" ? `type must be one of: ${PROVIDER_TYPES.join(", ")}` : undefined),
});

/** A measured value passes when min <= value <= max (each bound optional, at least one given). */
export const thresholdSchema = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((t) => t.min !== undefined || t.max !== undefined, { message: "give min, max or both" })
  .refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, { message: "min must not be above max" });

/** Whether a provider yields a number that only means something against a threshold. */
function needsThreshold(provider: z.output<typeof providerSchema>): boolean {
  switch (provider.type) {
    case "haproxy":
    case "prometheus":
      return true;
    case "cloudwatch":
      return provider.metric !== undefined;
    case "command":
      return provider.valueFromStdout;
    case "webhook":
      return provider.valuePath !== undefined;
    case "http":
      return false;
  }
}

export const metricSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "must be lowercase letters, digits, '.', '_' or '-' (up to 63)"),
    provider: providerSchema,
    /** Time between measurements. */
    interval: positiveDuration.default(5000),
    /** Measurements to take (errors are retried and do not count, as in Argo Rollouts). */
    count: z.number().int("count must be a whole number").min(1, "count must be 1 or more").max(1000, "count must be at most 1000").default(3),
    failureLimit: limit("failureLimit").default(0),
    inconclusiveLimit: limit("inconclusiveLimit").default(0),
    consecutiveErrorLimit: limit("consecutiveErrorLimit").default(4),
    successCondition: thresholdSchema.optional(),
  })
  .superRefine((metric, ctx) => {
    if (metric.successCondition === undefined && needsThreshold(metric.provider)) {
      ctx.addIssue({ code: "custom", path: ["successCondition"], message: `is required for a ${metric.provider.type} metric that yields a number, e.g. { max: 0.01 }` });
    }
  });

/** Names of the metrics one blue-green phase runs (as Argo Rollouts' pre-/postPromotionAnalysis). */
const phaseMetrics = z.array(z.string({ message: "must be a metric's name" }), { message: "must list metric names, e.g. [probe]" }).min(1, "must name at least one metric (leave it out for the default)");

export const analysisSchema = z
  .strictObject({
    metrics: z.array(metricSchema).min(1, "must list at least one metric"),
    /** blue-green: metrics run on the new slot at 0%, before the switch. Default: the http metrics without a url (they probe the new slot's own endpoint). */
    prePromotion: phaseMetrics.optional(),
    /** blue-green: metrics run after the switch. Default: all of them. */
    postPromotion: phaseMetrics.optional(),
  })
  .superRefine((analysis, ctx) => {
    const seen = new Set<string>();
    analysis.metrics.forEach((metric, index) => {
      if (seen.has(metric.name)) ctx.addIssue({ code: "custom", path: ["metrics", index, "name"], message: `"${metric.name}" is used by another metric; names must be unique` });
      seen.add(metric.name);
    });
    for (const phase of ["prePromotion", "postPromotion"] as const) {
      analysis[phase]?.forEach((name, index) => {
        if (!seen.has(name)) ctx.addIssue({ code: "custom", path: [phase, index], message: `"${name}" names no metric; the metrics are ${[...seen].join(", ")}` });
      });
    }
  });

export type AnalysisConfig = z.output<typeof analysisSchema>;
export type AnalysisConfigInput = z.input<typeof analysisSchema>;
export type MetricSpec = z.output<typeof metricSchema>;
export type ProviderSpec = z.output<typeof providerSchema>;
export type ProviderType = ProviderSpec["type"];
export type Threshold = z.output<typeof thresholdSchema>;
export type SlotRef = z.output<typeof slotRef>;
/** A metric whose provider is of one type: what that type's provider receives. */
export type MetricSpecOf<T extends ProviderType> = Omit<MetricSpec, "provider"> & { readonly provider: Extract<ProviderSpec, { type: T }> };
