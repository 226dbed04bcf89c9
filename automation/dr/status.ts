/**
 * The regional part of the driver's status, from the stack's latest regional move and the
 * primary the stack file names. Pure, table-tested. While a move runs, its weights serve. Once it
 * ends, what it left serving stays in the status until the file names that region as primary
 * (a completed failover), and a move that ended where it began (a drill, a refused or rolled-back
 * move) leaves the status it found.
 */
import { allOnRegion, type RegionWeights } from "../../model/regions";
import type { DriverStatus } from "../../model/driver-status";
import type { RegionMoveRecord } from "./record";

export type RegionStatus = Pick<DriverStatus, "regions" | "dataPrimary">;

/** The regions as the record names them, so that allOnRegion covers both. */
const pairOf = (record: RegionMoveRecord) => [record.from, record.to] as const;

function whenNotFile(serving: string, dataPrimary: string | undefined, record: RegionMoveRecord, filePrimary: string): RegionStatus {
  const status: { regions?: RegionWeights; dataPrimary?: string } = {};
  if (serving !== filePrimary) status.regions = allOnRegion(serving, pairOf(record));
  if (dataPrimary !== undefined && dataPrimary !== filePrimary) status.dataPrimary = dataPrimary;
  return status;
}

/** The primary the stack file names (`switchyard:dr.primary`), else the target's home region. */
export function filePrimaryOf(values: Readonly<Record<string, unknown>>, record: Pick<RegionMoveRecord, "home">): string {
  const primary = (values.dr as { primary?: unknown } | undefined)?.primary;
  return typeof primary === "string" ? primary : record.home;
}

export function regionStatusOf(record: RegionMoveRecord | undefined, filePrimary: string): RegionStatus {
  if (!record) return {};
  const promoted = record.dataPromotedAt ? record.to : record.baseDataPrimary;
  switch (record.status) {
    case "running":
    case "failed":
      // What the move last applied is what serves; a failed one stays there until someone acts.
      return { regions: { ...record.weights }, ...(promoted !== undefined && promoted !== filePrimary ? { dataPrimary: promoted } : {}) };
    case "succeeded":
      return record.kind === "drill" ? whenNotFile(record.from, record.baseDataPrimary, record, filePrimary) : whenNotFile(record.to, promoted, record, filePrimary);
    case "rolled-back":
    case "refused":
      return whenNotFile(record.from, record.baseDataPrimary, record, filePrimary);
  }
}
