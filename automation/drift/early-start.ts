/**
 * Drift's cloud question, asked before the command line and the stack config are validated.
 * A refresh preview only reads (no lock, no state written), so starting it early changes
 * nothing, and it overlaps the engine's seconds with the driver's own start-up. If validation
 * fails, or the command turns out not to ask the cloud, the run is cancelled: its engine process
 * is stopped, and the error the user sees is the validation's.
 */
import * as path from "node:path";
import { deferredSwitchyardProgram } from "../../stacks/deferred-program";
import { STACK_NAME } from "../stack-name";
import { openStack, type OpenedStack } from "../workspace";
import { PROJECT_ROOT } from "../../model/toolchain";
import type { ObservationCollector } from "./collect";
import { askCloud } from "./detect";

export class EarlyCloudCheck {
  private readonly abort = new AbortController();
  readonly answer: Promise<ObservationCollector>;

  private constructor(
    readonly stackName: string,
    readonly workDir: string,
    readonly opened: Promise<OpenedStack>,
  ) {
    this.answer = opened.then((stack) => askCloud(stack, this.abort.signal));
    // Nobody may ever read it (validation failed); its failure is reported only to a reader.
    this.answer.catch(() => undefined);
  }

  /** Starts the check when the raw flags name a valid stack and the command asks the cloud; never throws. */
  static start(raw: Readonly<Record<string, unknown>>): EarlyCloudCheck | undefined {
    const { stack, cwd, only } = raw;
    if (typeof stack !== "string" || !STACK_NAME.test(stack) || (only !== undefined && only !== "cloud")) return undefined;
    const workDir = path.resolve(typeof cwd === "string" ? cwd : PROJECT_ROOT);
    // A stack that cannot be opened (no set-up, no passphrase) fails when the command awaits it, with the same error.
    const opened = openStack({ stackName: stack, workDir, mustExist: true, deferSelect: true }, deferredSwitchyardProgram);
    opened.catch(() => undefined);
    return new EarlyCloudCheck(stack, workDir, opened);
  }

  /** The answer, when it was asked of this very stack. */
  for(stackName: string, workDir: string): EarlyCloudCheck | undefined {
    return stackName === this.stackName && path.resolve(workDir) === this.workDir ? this : undefined;
  }

  /** Stops the engine if it still runs; harmless after the answer. */
  cancel(): void {
    this.abort.abort();
  }
}
