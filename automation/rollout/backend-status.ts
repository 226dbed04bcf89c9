/** Reads the driver's status for a stack from its backend: the latest rollout record, against the stack file's release. */
import type { DriverStatus } from "../../model/driver-status";
import type { DocumentStore } from "../store/document-store";
import { readStackConfigValues } from "../stack-file";
import { driverStatusOf, releaseIntentOf } from "./driver-status";
import { ROLLOUT_KEY, type RolloutRecord } from "./record";

export async function backendDriverStatus(store: DocumentStore, workDir: string, stackName: string): Promise<DriverStatus | undefined> {
  const record = (await store.get<RolloutRecord>(ROLLOUT_KEY))?.value;
  if (!record) return undefined;
  return driverStatusOf(record, releaseIntentOf(readStackConfigValues(workDir, stackName)));
}
