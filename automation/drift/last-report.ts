/**
 * The last drift report of a stack, kept in its backend beside the rollout record, so that the
 * dashboard shows the drift a person or CI last found without asking the engine again. Written
 * by `drift` after each check; the report already holds no secret values (drift masks them).
 */
import { overwriteDocument, type DocumentStore } from "../store/document-store";
import type { DriftReport } from "./model";

export const DRIFT_REPORT_KEY = "drift-report";

/** Overwrites the last report: each is a complete answer of its time. */
export async function saveLastDriftReport(store: DocumentStore, report: DriftReport): Promise<void> {
  await overwriteDocument(store, DRIFT_REPORT_KEY, report);
}

export async function readLastDriftReport(store: DocumentStore): Promise<DriftReport | undefined> {
  return (await store.get<DriftReport>(DRIFT_REPORT_KEY))?.value;
}
