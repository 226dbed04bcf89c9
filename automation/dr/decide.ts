/**
 * What a failover, failback or drill may do, decided before anything moves. Pure, table-tested:
 * which region serves now (read from the data plane), which one the stack file names, and the
 * operation's plan in, the move (from, to, plan) or a typed refusal out.
 */
import type { DrConfig, RegionPair, RegionWeights } from "../../model/config/dr";
import { servingRegion } from "../../model/config/dr";
import { SwitchyardError } from "../../model/errors";
import type { RegionMoveKind } from "./record";
import { describeRegionWeights } from "../../model/regions";

export class RegionMoveRefusedError extends SwitchyardError {}

export interface MoveFacts {
  readonly stack: string;
  readonly kind: RegionMoveKind;
  readonly names: RegionPair;
  /** The regional weights the data plane serves with (or the stack outputs', when it cannot be read). */
  readonly live: RegionWeights;
  /** `switchyard:dr.primary`, or the home region. */
  readonly filePrimary: string;
  readonly dr: DrConfig;
  /** `--steps` for this run, already parsed. */
  readonly steps?: readonly number[];
  readonly shift: "stepped" | "at-once";
}

export interface DecidedMove {
  readonly from: string;
  readonly to: string;
  readonly plan: readonly number[];
  readonly bakeMs: number;
  readonly promoteData: boolean;
}

const other = (names: RegionPair, region: string) => (names[0] === region ? names[1] : names[0]);

export function decideMove(facts: MoveFacts): DecidedMove {
  const { stack, kind, names, filePrimary, dr } = facts;
  const serving = servingRegion(facts.live);
  if (!serving) {
    throw new RegionMoveRefusedError(`stack "${stack}": traffic is split between regions (${describeRegionWeights(facts.live)}), so no region serves alone`, `finish the move in progress (switchyard status --stack ${stack} shows it), or fail over or back once it ended`);
  }
  if (kind === "failover" && serving !== filePrimary) {
    throw new RegionMoveRefusedError(`stack "${stack}" already serves from ${serving}, its standby (the stack file names ${filePrimary} as primary)`, `run switchyard failback --stack ${stack} to return to ${filePrimary}, or set switchyard:dr.primary: ${serving} to make ${serving} the primary`);
  }
  if (kind === "failback" && serving === filePrimary) {
    throw new RegionMoveRefusedError(`stack "${stack}": nothing to fail back: ${serving} serves, as the stack file says`, "failback returns traffic to the stack file's primary after a failover");
  }
  if (kind === "drill") {
    return { from: serving, to: other(names, serving), plan: [dr.drill.share, 0], bakeMs: dr.drill.hold, promoteData: false };
  }
  const plan = facts.steps ?? dr.failover.steps;
  if (facts.shift === "at-once" && plan.some((share) => share !== 100)) {
    throw new RegionMoveRefusedError(`stack "${stack}": this target's regional routing moves all traffic at once, so steps ${plan.join(",")} cannot be applied`, "use steps [100] (switchyard:dr.failover.steps, or --steps 100)");
  }
  return { from: serving, to: other(names, serving), plan, bakeMs: dr.failover.bake, promoteData: dr.failover.promoteData };
}

/** `--steps 50,100`, checked like switchyard:dr.failover.steps. */
export function parseStepsFlag(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const steps = text.split(",").map((part) => Number(part.trim()));
  const increasing = steps.every((s, i) => i === 0 || s > steps[i - 1]!);
  if (steps.some((s) => !Number.isInteger(s) || s < 1 || s > 100) || !increasing || steps.at(-1) !== 100) {
    throw new RegionMoveRefusedError(`--steps "${text}" must be whole percentages from 1 to 100, increasing, ending at 100`, "e.g. --steps 50,100, or --steps 100 for at once");
  }
  return steps;
}
