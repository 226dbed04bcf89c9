/**
 * The one router: weights go to the engine as the driver's status in the run's effective config
 * (never into the stack file), a targeted update of the traffic resources applies them, then the data plane is read back. It never calls a cloud API to change what
 * Pulumi owns. The update runs through the CLI alone (direct-engine.ts): the data-plane read-back
 * is the step's check, so the Automation API's output and history reads after it are not needed.
 */
import type { Weights } from "../../model/weights";
import { SwitchyardError } from "../../model/errors";
import { readStackOutputs } from "../report/outputs";
import type { StackOutputs } from "../../model/outputs";
import { withStaleLockRemoved } from "../recovery/recover";
import type { OpenedStack } from "../workspace";
import { readLiveWeights } from "./data-plane";
import { guardedTrafficProgram } from "./traffic-program";
import type { TrafficRouter } from "./types";

export class WeightVerificationError extends SwitchyardError {
  constructor(stack: string, wanted: Weights, found: Weights) {
    super(
      `stack "${stack}": the data plane serves blue ${found.blue}% / green ${found.green}% after the engine set blue ${wanted.blue}% / green ${wanted.green}%`,
      "something changes weights outside Pulumi; run `switchyard drift` to see what",
    );
  }
}

export class MissingTrafficUrnsError extends SwitchyardError {
  constructor(stack: string) {
    super(`stack "${stack}" does not export trafficUrns, so traffic cannot be stepped with a targeted update`, "deploy the stack once with this version of Switchyard");
  }
}

/**
 * A step writes state once, at its end, instead of around each resource it touches: on a
 * 1,000-resource stack every write re-serializes the whole state (half of a step's engine time,
 * measured). What the skipped writes would record is already recorded first: the rollout record
 * says "shifting to these weights" before the step, a resumed or aborted rollout re-applies its
 * weights (an idempotent update), and the data-plane read-back checks them. Only steps run so;
 * deploys and rollbacks of a release keep every checkpoint. For the same reason a step skips the
 * file backend's backup copy of the previous state, which differs from the new one only in the
 * weights (the driver keeps its own state checkpoint before every deploy).
 */
export const STEP_ENGINE_ENV = { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_DISABLE_CHECKPOINT_BACKUPS: "1" };

export class EngineTrafficRouter implements TrafficRouter {
  readonly type = "engine";

  constructor(
    private readonly opened: OpenedStack,
    private readonly progress: (line: string) => void = () => {},
  ) {}

  private async outputs() {
    return (await readStackOutputs(this.opened)) as StackOutputs;
  }

  /** Outputs naming the traffic resources and the data plane; they do not change during a rollout. */
  private trafficOutputs?: Promise<StackOutputs>;

  async setWeights(weights: Weights): Promise<boolean | undefined> {
    this.trafficOutputs ??= this.outputs();
    const outputs = await this.trafficOutputs;
    const urns = outputs.trafficUrns;
    if (!urns?.length) {
      this.trafficOutputs = undefined;
      throw new MissingTrafficUrnsError(this.opened.stackName);
    }
    // The step's weights travel in the run's effective config, on top of the backend's status.
    const driverStatus = { ...(await this.opened.driverStatus()), weights: { blue: weights.blue, green: weights.green } };
    const actions: string[] = [];
    const program = guardedTrafficProgram(this.opened.trafficProgram, urns);
    const args = ["up", "--yes", "--skip-preview", ...urns.flatMap((urn) => ["--target", urn])];
    await withStaleLockRemoved(this.opened, () => this.opened.direct("traffic step", args, { program, onOutput: this.progress, env: STEP_ENGINE_ENV, driverStatus }), actions);
    for (const action of actions) this.progress(`recovery: ${action}\n`);
    const live = await readLiveWeights(outputs);
    if (!live) return undefined;
    if (live.blue !== weights.blue || live.green !== weights.green) throw new WeightVerificationError(this.opened.stackName, weights, live);
    return true;
  }
}
