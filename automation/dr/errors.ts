/** Refusals of regional moves and of rollouts that would collide with one. */
import { SwitchyardError } from "../../model/errors";
import { ownerAlive, type RolloutRecord } from "../rollout/record";
import type { RegionMoveKind, RegionMoveRecord } from "./record";

export class RegionMoveInProgressError extends SwitchyardError {
  constructor(stack: string, record: RegionMoveRecord) {
    const alive = ownerAlive(record.owner);
    super(
      `stack "${stack}": ${record.kind} ${record.id} (${record.from} -> ${record.to}) is in progress, ${alive ? `driven by ${record.owner!.host} pid ${record.owner!.pid}` : "and its driver is gone"}`,
      alive ? `wait for it: switchyard status --stack ${stack} shows it` : `finish it: switchyard ${record.kind} --stack ${stack} goes on where it stopped`,
    );
  }
}

export class RolloutRunsError extends SwitchyardError {
  constructor(stack: string, record: RolloutRecord, kind: RegionMoveKind) {
    super(`stack "${stack}": a ${kind} is refused while rollout ${record.id} (${record.stableVersion} -> ${record.canaryVersion}) is ${record.status}`, `finish it first: switchyard promote --stack ${stack} --full, or switchyard abort --stack ${stack}`);
  }
}

