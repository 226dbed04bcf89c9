/**
 * A command the user owns (a smoke test, a query script), run without a shell so arguments are
 * never re-parsed. Exit code 0 passes, anything else fails. With valueFromStdout, the last line of
 * stdout is the value and successCondition decides. The context comes in SWITCHYARD_* variables;
 * the rest of the driver's environment is inherited, since checks usually need its cloud credentials.
 */
import { spawn } from "node:child_process";
import { judgeValue } from "../assess";
import type { MetricSpecOf } from "../../../model/config/analysis";
import type { AnalysisContext } from "../types";
import { plainRecord } from "../../../model/secrets/secret";
import { contextPayload, describeError, measureSafely, type Outcome, type RunScopedProvider } from "./common";

type Spec = MetricSpecOf<"command">;

/** Output kept per stream: enough for a value and a reason, bounded for chatty scripts. */
const MAX_OUTPUT = 64 * 1024;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?Infinity$/;

export function commandEnv(ctx: AnalysisContext): Record<string, string> {
  const canaryUrl = ctx.slotEndpoints[ctx.canarySlot];
  const stableUrl = ctx.slotEndpoints[ctx.stableSlot];
  return {
    SWITCHYARD_STACK: ctx.stack,
    SWITCHYARD_SERVICE: ctx.service,
    SWITCHYARD_CANARY_SLOT: ctx.canarySlot,
    SWITCHYARD_STABLE_SLOT: ctx.stableSlot,
    SWITCHYARD_CANARY_WEIGHT: String(ctx.weights[ctx.canarySlot]),
    ...(canaryUrl ? { SWITCHYARD_CANARY_URL: canaryUrl } : {}),
    ...(stableUrl ? { SWITCHYARD_STABLE_URL: stableUrl } : {}),
    ...(ctx.endpoint ? { SWITCHYARD_ENDPOINT: ctx.endpoint } : {}),
    SWITCHYARD_CONTEXT: JSON.stringify(contextPayload(ctx)),
  };
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
}

function run(spec: Spec, ctx: AnalysisContext): Promise<Exit> {
  const [program, ...args] = spec.provider.argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: spec.provider.cwd,
      env: { ...process.env, ...commandEnv(ctx), ...plainRecord(spec.provider.env) },
      stdio: ["ignore", "pipe", "pipe"],
      shell: false,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let aborted = false;
    const keep = (into: string, chunk: string) => (into.length >= MAX_OUTPUT ? into : (into + chunk).slice(0, MAX_OUTPUT));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout = keep(stdout, chunk)));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = keep(stderr, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, spec.provider.timeout);
    const onAbort = () => {
      aborted = true;
      child.kill("SIGKILL");
    };
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (error) => {
      done();
      reject(error);
    });
    child.on("close", (code, signal) => {
      done();
      resolve({ code, signal, stdout, stderr, timedOut, aborted });
    });
  });
}

const lastLine = (text: string) => text.trimEnd().split("\n").pop()?.trim() ?? "";

async function execute(spec: Spec, ctx: AnalysisContext): Promise<Outcome> {
  const shown = spec.provider.argv[0]!;
  let exit: Exit;
  try {
    exit = await run(spec, ctx);
  } catch (error) {
    return { phase: "Error", message: `${shown}: could not start: ${describeError(error)}` };
  }
  if (exit.aborted) return { phase: "Error", message: `${shown}: killed because the analysis run stopped` };
  if (exit.timedOut) return { phase: "Error", message: `${shown}: killed after ${spec.provider.timeout} ms without finishing` };
  if (exit.code !== 0) {
    const how = exit.code === null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    const said = lastLine(exit.stderr) || lastLine(exit.stdout);
    return { phase: "Failed", message: `${shown}: ${how}${said ? `: ${said.slice(0, 200)}` : ""}` };
  }
  if (!spec.provider.valueFromStdout) return { phase: "Successful", message: `${shown}: exit code 0` };
  const line = lastLine(exit.stdout);
  if (line === "" || line === "NaN") return { phase: "Inconclusive", message: `${shown}: no data: ${line === "" ? "stdout is empty" : "printed NaN"}` };
  if (!NUMBER.test(line)) return { phase: "Error", message: `${shown}: the last line of stdout is not a number: "${line.slice(0, 80)}"` };
  const value = Number(line);
  const verdict = judgeValue(value, spec.successCondition);
  return { phase: verdict.phase, value, message: `${shown}: ${verdict.message}` };
}

export function createCommandProvider(): RunScopedProvider<"command"> {
  return { type: "command", measure: (spec, ctx) => measureSafely(() => execute(spec, ctx)) };
}
