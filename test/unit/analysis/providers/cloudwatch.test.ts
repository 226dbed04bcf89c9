/**
 * The CloudWatch provider against moto's CloudWatch-compatible server, started here on a free
 * loopback port. Alarms and datapoints go in with the same SDK first.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand, type StateValue } from "@aws-sdk/client-cloudwatch";
import { createCloudwatchProvider } from "../../../../automation/analysis/providers/cloudwatch";
import { freePort } from "../../../support/ports";
import { context, specOf } from "./support";

const REGION = "eu-west-1";
const ENV_KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"] as const;

/** Starts `python3 -m moto.server`; fails (never skips) with a clear message when moto is missing. */
async function startMoto(port: number): Promise<ChildProcess> {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`the CloudWatch tests need moto's server: python3 -c "import moto.server" failed (${probe.error?.message ?? probe.stderr.trim().split("\n").pop()}); install it with: pip install "moto[server]"`);
  }
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill();
  throw new Error(`moto server did not answer on 127.0.0.1:${port} within 30 s: ${stderr}`);
}

describe("analysis provider: cloudwatch (moto server on loopback)", () => {
  let moto: ChildProcess | undefined;
  let endpoint: string;
  let seed: CloudWatchClient;
  const savedEnv = new Map<string, string | undefined>();

  before(async function () {
    this.timeout(60_000);
    for (const key of ENV_KEYS) savedEnv.set(key, process.env[key]);
    // Fake credentials for moto; the provider finds them through the SDK's default chain.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_EC2_METADATA_DISABLED: "true" });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = await startMoto(port);
    seed = new CloudWatchClient({ region: REGION, endpoint });
    const alarm = async (name: string, state: StateValue) => {
      await seed.send(new PutMetricAlarmCommand({ AlarmName: name, Namespace: "Hello", MetricName: "Errors", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold" }));
      await seed.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `set to ${state} by the test` }));
    };
    await alarm("hello-5xx", "ALARM");
    await alarm("hello-latency", "OK");
    await alarm("hello-new", "INSUFFICIENT_DATA");
    // Datapoints a little in the past: CloudWatch (and moto) only return whole seconds before EndTime.
    const at = new Date(Date.now() - 20_000);
    const point = (slot: string, value: number) => ({ MetricName: "Latency", Dimensions: [{ Name: "Slot", Value: slot }], Value: value, Timestamp: at });
    await seed.send(new PutMetricDataCommand({ Namespace: "Hello", MetricData: [point("green", 120), point("green", 80), point("blue", 20), point("blue", 30)] }));
  });

  after(async () => {
    seed?.destroy();
    if (moto && moto.exitCode === null) {
      const exited = new Promise((resolve) => moto!.once("exit", resolve));
      moto.kill();
      await exited;
    }
    for (const [key, value] of savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const provider = createCloudwatchProvider();
  const alarm = (name: string) => provider.measure(specOf("cloudwatch", { provider: { region: REGION, endpoint, alarm: name } }), context());

  it("maps alarm states to phases: ALARM → Failed, OK → Successful, INSUFFICIENT_DATA → Inconclusive", async () => {
    const fired = await alarm("hello-5xx");
    assert.equal(fired.phase, "Failed");
    assert.equal(fired.message, "alarm hello-5xx is ALARM: set to ALARM by the test");
    assert.equal((await alarm("hello-latency")).phase, "Successful");
    assert.equal((await alarm("hello-new")).phase, "Inconclusive");
  });

  it("fills in placeholders in the alarm name", async () => {
    assert.equal((await alarm("{{service}}-latency")).message, "alarm hello-latency is OK: set to OK by the test");
  });

  it("is an Error for an alarm that does not exist", async () => {
    const m = await alarm("nope");
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /no CloudWatch alarm named "nope"/);
  });

  const metric = (slot: string, statistic: string, max: number, name = "Latency") =>
    provider.measure(
      specOf("cloudwatch", {
        provider: { region: REGION, endpoint, metric: { namespace: "Hello", name, dimensions: { Slot: slot }, statistic, period: "1m" } },
        successCondition: { max },
      }),
      context(),
    );

  it("judges a metric statistic over the period, per slot", async () => {
    const canary = await metric("{{canarySlot}}", "Average", 90);
    assert.equal(canary.phase, "Failed", canary.message);
    assert.equal(canary.value, 100);
    assert.equal(canary.message, "Hello Latency Average over 60s: value 100 > max 90");
    const stable = await metric("{{stableSlot}}", "Maximum", 90);
    assert.equal(stable.phase, "Successful", stable.message);
    assert.equal(stable.value, 30);
    assert.equal((await metric("green", "Sum", 500)).value, 200);
  });

  it("treats a metric without datapoints as no data: Inconclusive", async () => {
    const m = await metric("green", "Average", 1, "NoSuchMetric");
    assert.equal(m.phase, "Inconclusive");
    assert.match(m.message!, /no data/);
  });

  it("is an Error when CloudWatch cannot be reached", async () => {
    const port = await freePort();
    const m = await provider.measure(specOf("cloudwatch", { provider: { region: REGION, endpoint: `http://127.0.0.1:${port}`, alarm: "hello-5xx" } }), context());
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /^CloudWatch: connection refused/);
  });
});
