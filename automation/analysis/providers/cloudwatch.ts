/**
 * CloudWatch, read only: an alarm's state (ALARM → Failed, OK → Successful, INSUFFICIENT_DATA →
 * Inconclusive), or one statistic of a metric over the last `period`, judged by successCondition.
 * Credentials and region come from the SDK's default chain unless the spec names a region;
 * `endpoint` points the SDK elsewhere (tests, VPC endpoints).
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import { judgeValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { deadline, describeError, expandTemplate, measureSafely, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"cloudwatch">;
type MetricQuery = NonNullable<Spec["provider"]["metric"]>;

/** SDK calls wait at most this long; the SDK's own retries happen inside it. */
const CALL_TIMEOUT_MS = 10_000;

export type ClientFactory = (config: CloudWatchClientConfig) => CloudWatchClient;

const ALARM_PHASES = { ALARM: "Failed", OK: "Successful", INSUFFICIENT_DATA: "Inconclusive" } as const;

async function alarmState(client: CloudWatchClient, name: string, ctx: AnalysisContext): Promise<Outcome> {
  const answer = await client.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }), {
    abortSignal: deadline(CALL_TIMEOUT_MS, ctx),
  });
  const alarm = answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
  if (!alarm) return { phase: "Error", message: `no CloudWatch alarm named "${name}" in this account and region` };
  const state = alarm.StateValue ?? "(none)";
  const phase = ALARM_PHASES[state as keyof typeof ALARM_PHASES] ?? "Error";
  const reason = alarm.StateReason ? `: ${alarm.StateReason.slice(0, 200)}` : "";
  return { phase, message: `alarm ${name} is ${state}${reason}` };
}

async function metricStatistic(client: CloudWatchClient, spec: Spec, metric: MetricQuery, ctx: AnalysisContext): Promise<Outcome> {
  const end = new Date();
  const start = new Date(end.getTime() - metric.period);
  const answer = await client.send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: "TimestampDescending",
      MetricDataQueries: [
        {
          Id: "m",
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.name,
              Dimensions: Object.entries(metric.dimensions).map(([Name, value]) => ({ Name, Value: expandTemplate(value, ctx) })),
            },
            Period: metric.period / 1000,
            Stat: metric.statistic,
          },
        },
      ],
    }),
    { abortSignal: deadline(CALL_TIMEOUT_MS, ctx) },
  );
  const what = `${metric.namespace} ${metric.name} ${metric.statistic} over ${metric.period / 1000}s`;
  const result = answer.MetricDataResults?.[0];
  if (result?.StatusCode === "InternalError" || result?.StatusCode === "Forbidden") {
    return { phase: "Error", message: `${what}: ${result.StatusCode}${result.Messages?.[0]?.Value ? `: ${result.Messages[0].Value}` : ""}` };
  }
  // Newest first (ScanBy): with a window of one period, the newest datapoint is the one wanted.
  const value = result?.Values?.[0];
  if (value === undefined) return { phase: "Inconclusive", message: `${what}: no data` };
  const verdict = judgeValue(value, spec.successCondition);
  return { phase: verdict.phase, value, message: `${what}: ${verdict.message}` };
}

const defaultClient: ClientFactory = (config) => new CloudWatchClient(config);

export function createCloudwatchProvider(makeClient: ClientFactory = defaultClient): RunScopedProvider<"cloudwatch"> {
  return {
    type: "cloudwatch",
    measure: (spec, ctx) =>
      measureSafely(async () => {
        const { region, endpoint, alarm, metric } = spec.provider;
        // A client per measurement: nothing to close when a run ends, and measurements are seconds apart.
        const client = makeClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), maxAttempts: 2 });
        try {
          if (alarm !== undefined) return await alarmState(client, expandTemplate(alarm, ctx), ctx);
          if (metric !== undefined) return await metricStatistic(client, spec, metric, ctx);
          return { phase: "Error", message: "neither alarm nor metric is set" };
        } catch (error) {
          return { phase: "Error", message: `CloudWatch: ${describeError(error)}` };
        } finally {
          client.destroy();
        }
      }),
  };
}
