/**
 * Timing without touching the code under test: observes every `pulumi` process this process
 * spawns (the Automation API's through execa, the driver's direct runs through direct-engine.ts;
 * both call child_process.spawn at call time) and, on request, methods of driver classes, in
 * this process only. Nothing in automation/ is modified.
 */
import childProcess, { type ChildProcess } from "node:child_process";
import * as path from "node:path";

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

/** Records every `pulumi` process started from now on, timed from spawn to close. */
export function installCliRecorder(): void {
  if (installed) return;
  installed = true;
  const original = childProcess.spawn;
  const patched = function (this: unknown, command: string, ...rest: unknown[]): ChildProcess {
    const child = (original as (...a: unknown[]) => ChildProcess).call(this, command, ...rest);
    if (path.basename(command) === "pulumi") {
      const args = (Array.isArray(rest[0]) ? rest[0] : []) as string[];
      const start = performance.now();
      child.once("close", () => calls.push({ command: describe(args), start, ms: performance.now() - start }));
    }
    return child;
  };
  (childProcess as { spawn: unknown }).spawn = patched;
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
