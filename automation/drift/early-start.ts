/**
 * Drift's engine questions, asked before the command line and the stack config are validated.
 * A refresh preview and a preview only read (no lock, no state written), so starting them early
 * changes nothing, and it overlaps the engine's seconds with the driver's own start-up. If
 * validation fails, or the command turns out not to ask a question, its run is cancelled: its
 * engine process is stopped, and the error the user sees is the validation's.
 */
import * as path from "node:path";
import { deferredSwitchyardProgram } from "../../stacks/deferred-program";
import { STACK_NAME } from "../stack-name";
import { openStack, type OpenedStack } from "../workspace";
import { PROJECT_ROOT } from "../../model/toolchain";
import type { ObservationCollector } from "./collect";
import { askCloud, askCode } from "./detect";
import type { Question } from "./model";

export class EarlyDriftQuestions {
  private readonly abort = new AbortController();
  readonly answers: Partial<Record<Question, Promise<ObservationCollector>>> = {};

  private constructor(
    readonly stackName: string,
    readonly workDir: string,
    readonly opened: Promise<OpenedStack>,
    questions: readonly Question[],
  ) {
    const ask = { cloud: askCloud, code: askCode } as const;
    for (const question of questions) {
      const answer = opened.then((stack) => ask[question](stack, this.abort.signal));
      // Nobody may ever read it (validation failed); its failure is reported only to a reader.
      answer.catch(() => undefined);
      this.answers[question] = answer;
    }
  }

  /** Starts the questions when the raw flags name a valid stack; never throws. */
  static start(raw: Readonly<Record<string, unknown>>): EarlyDriftQuestions | undefined {
    const { stack, cwd, only } = raw;
    if (typeof stack !== "string" || !STACK_NAME.test(stack)) return undefined;
    const questions: Question[] = only === undefined ? ["cloud", "code"] : only === "cloud" || only === "code" ? [only] : [];
    if (questions.length === 0) return undefined;
    const workDir = path.resolve(typeof cwd === "string" ? cwd : PROJECT_ROOT);
    // A stack that cannot be opened (no set-up, no passphrase) fails when the command awaits it, with the same error.
    const opened = openStack({ stackName: stack, workDir, mustExist: true, deferSelect: true }, deferredSwitchyardProgram);
    opened.catch(() => undefined);
    return new EarlyDriftQuestions(stack, workDir, opened, questions);
  }

  /** The answers, when they were asked of this very stack. */
  for(stackName: string, workDir: string): EarlyDriftQuestions | undefined {
    return stackName === this.stackName && path.resolve(workDir) === this.workDir ? this : undefined;
  }

  /** Stops every engine still running; harmless after the answers. */
  cancel(): void {
    this.abort.abort();
  }
}
