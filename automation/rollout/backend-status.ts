/**
 * Reads the driver's status for a stack from its backend: the latest rollout record against the
 * stack file's release, and the latest regional move against the file's primary region.
 */
import type { DriverStatus } from "../../model/driver-status";
import type { DocumentStore } from "../store/document-store";
import { readStackConfigValues } from "../stack-file";
import { driverStatusOf, releaseIntentOf } from "./driver-status";
import { ROLLOUT_KEY, type RolloutRecord } from "./record";
import { REGION_MOVE_KEY, type RegionMoveRecord } from "../dr/record";
import { filePrimaryOf, regionStatusOf } from "../dr/status";

export async function backendDriverStatus(store: DocumentStore, workDir: string, stackName: string): Promise<DriverStatus | undefined> {
  const [rollout, move] = await Promise.all([store.get<RolloutRecord>(ROLLOUT_KEY), store.get<RegionMoveRecord>(REGION_MOVE_KEY)]);
  if (!rollout && !move) return undefined;
  const values = readStackConfigValues(workDir, stackName);
  const status = { ...driverStatusOf(rollout?.value, releaseIntentOf(values)), ...(move ? regionStatusOf(move.value, filePrimaryOf(values, move.value)) : {}) };
  return Object.keys(status).length > 0 ? status : undefined;
}
