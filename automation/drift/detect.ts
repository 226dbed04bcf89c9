/**
 * The two engine questions, kept apart: a read-only refresh preview (has the cloud moved away
 * from state?) and a preview of the program (have code or config moved away from state?).
 * Neither writes state. They run side by side: both only read the backend, and neither holds
 * the stack's lock. Both run through the CLI alone (direct-engine.ts): the Automation API would
 * select the stack and tail the event log by polling, which costs seconds on a large stack.
 */
import * as path from "node:path";
import type { OpenedStack } from "../workspace";
import { ObservationCollector } from "./collect";
import type { CheckedResource, Observation, Question } from "./model";

export interface Detection {
  readonly observations: readonly Observation[];
  /** Every resource in state that the check looked at. */
  readonly resources: readonly CheckedResource[];
}

export interface DetectOptions {
  /** Default both; `["cloud"]` is what `pulumi refresh --preview-only` answers. */
  readonly questions?: readonly Question[];
  readonly progress?: (line: string) => void;
  /** Questions already asked (see early-start.ts). */
  readonly asked?: Partial<Record<Question, Promise<ObservationCollector>>>;
}

/**
 * Reads run 32 at a time (the engine's default is 4 per CPU, sized for writes): a refresh only
 * reads, each read is independent, and providers back off when a cloud API throttles.
 */
const READ_PARALLELISM = 32;

/** Has the cloud moved away from state? A read-only refresh; stops the engine when `signal` aborts. */
export async function askCloud(opened: OpenedStack, signal?: AbortSignal): Promise<ObservationCollector> {
  const cloud = new ObservationCollector("cloud");
  const args = ["refresh", "--preview-only", "--parallel", String(READ_PARALLELISM)];
  await opened.direct("refresh preview", args, { onEvent: cloud.onEvent, eventKinds: ["resOutputsEvent"], signal });
  return cloud;
}

/**
 * Have code or config moved away from state? A preview of the program: of the project's program
 * file through the language host when the stack's program is that file (as a plain `pulumi
 * preview` runs it, in a process of its own), else of the inline program.
 */
export async function askCode(opened: OpenedStack, signal?: AbortSignal): Promise<ObservationCollector> {
  const code = new ObservationCollector("code");
  const program = opened.programFile ? {} : { program: opened.program };
  await opened.direct("preview", ["preview"], { ...program, onEvent: code.onEvent, eventKinds: ["resourcePreEvent"], signal });
  return code;
}

export async function detect(opened: OpenedStack, options: DetectOptions = {}): Promise<Detection> {
  const questions = options.questions ?? ["cloud", "code"];
  const progress = options.progress ?? (() => {});
  const runs: Promise<ObservationCollector>[] = [];
  if (questions.includes("cloud")) {
    progress(`drift: reading the cloud against state (refresh preview)\n`);
    runs.push(options.asked?.cloud ?? askCloud(opened));
  }
  if (questions.includes("code")) {
    const how = opened.programFile ? `preview of ${path.relative(opened.workDir, opened.programFile)} through the language host` : "preview";
    progress(`drift: comparing code and config with state (${how})\n`);
    runs.push(options.asked?.code ?? askCode(opened));
  }
  // Wait for both before failing, so no engine process outlives the command.
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const answers = settled.map((r) => (r as PromiseFulfilledResult<ObservationCollector>).value);
  return { observations: answers.flatMap((a) => a.observations()), resources: answers[0]!.resources() };
}
