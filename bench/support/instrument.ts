/**
 * Timing without touching the code under test: wraps the Automation API's PulumiCommand.run
 * (every CLI process the SDK starts) and, on request, methods of driver classes, in this process
 * only. Nothing in automation/ is modified.
 */
import { PulumiCommand } from "@pulumi/pulumi/automation";

export interface CliCall {
  /** e.g. "up --target", "up", "stack output", "stack history", "config ...". */
  readonly command: string;
  readonly start: number;
  readonly ms: number;
}

const calls: CliCall[] = [];
let installed = false;

function describe(args: readonly string[]): string {
  const words = args.filter((a) => !a.startsWith("-")).slice(0, 2);
  const head = args[0] === "stack" || args[0] === "config" ? words.join(" ") : (args[0] ?? "?");
  return args.includes("--target") ? `${head} --target` : head;
}

/** Records every CLI invocation the Automation API makes from now on. */
export function installCliRecorder(): void {
  if (installed) return;
  installed = true;
  const proto = PulumiCommand.prototype as unknown as { run: (this: unknown, args: string[], ...rest: unknown[]) => Promise<unknown> };
  const original = proto.run;
  proto.run = async function (this: unknown, args: string[], ...rest: unknown[]) {
    const start = performance.now();
    try {
      return await original.call(this, args, ...rest);
    } finally {
      calls.push({ command: describe(args), start, ms: performance.now() - start });
    }
  };
}

/** CLI calls made while `fn` ran. */
export async function recordCli<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; calls: CliCall[] }> {
  const from = calls.length;
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start, calls: calls.slice(from) };
}

export function callsBetween(start: number, end: number): CliCall[] {
  return calls.filter((c) => c.start >= start && c.start + c.ms <= end + 1);
}

/** Sums CLI time by command. */
export function byCommand(list: readonly CliCall[]): Record<string, { count: number; ms: number }> {
  const out: Record<string, { count: number; ms: number }> = {};
  for (const call of list) {
    const entry = (out[call.command] ??= { count: 0, ms: 0 });
    entry.count++;
    entry.ms += call.ms;
  }
  return out;
}

/**
 * Wraps `proto[method]` so that each call is timed and handed to `onCall`; returns an undo.
 * For instrumenting driver classes (RolloutRunner.rollback, EngineTrafficRouter.setWeights).
 */
export function timeMethod<P extends object>(proto: P, method: string, onCall: (record: { args: unknown[]; start: number; ms: number; error?: unknown }) => void): () => void {
  const target = proto as Record<string, unknown>;
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  target[method] = async function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    let error: unknown;
    try {
      return await original.apply(this, args);
    } catch (e) {
      error = e;
      throw e;
    } finally {
      onCall({ args, start, ms: performance.now() - start, error });
    }
  };
  return () => {
    target[method] = original;
  };
}
