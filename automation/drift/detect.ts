/**
 * The two engine questions, kept apart: a read-only refresh preview (has the cloud moved away
 * from state?) and a preview of the program (have code or config moved away from state?).
 * Neither writes state. They run side by side: both only read the backend, and neither holds
 * the stack's lock.
 */
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
}

export async function detect(opened: OpenedStack, options: DetectOptions = {}): Promise<Detection> {
  const questions = options.questions ?? ["cloud", "code"];
  const progress = options.progress ?? (() => {});
  const cloud = new ObservationCollector("cloud");
  const code = new ObservationCollector("code");
  const runs: Promise<unknown>[] = [];
  if (questions.includes("cloud")) {
    progress(`drift: reading the cloud against state (refresh preview)\n`);
    runs.push(opened.run("refresh preview", (stack) => stack.previewRefresh({ onEvent: cloud.onEvent })));
  }
  if (questions.includes("code")) {
    progress(`drift: comparing code and config with state (preview)\n`);
    runs.push(opened.run("preview", (stack) => stack.preview({ onEvent: code.onEvent })));
  }
  // Wait for both before failing, so no engine process outlives the command.
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const resources = questions.includes("cloud") ? cloud.resources() : code.resources();
  return { observations: [...cloud.observations(), ...code.observations()], resources };
}
