/** One report model for every command; renderers turn it into terminal text or JSON. */
import type { Weights } from "../../components/traffic/weights";

export type ReportStatus = "success" | "failed" | "no-change" | "rolled-back" | "paused";

export interface SlotView {
  readonly slot: "blue" | "green";
  readonly version?: string;
  readonly endpoint?: string;
  readonly trafficPercentage: number;
}

export interface ResourceChanges {
  readonly [op: string]: number;
}

export interface CommandReport {
  readonly command: string;
  readonly stack: string;
  readonly status: ReportStatus;
  readonly durationMs: number;
  readonly endpoint?: string;
  readonly weights?: Weights;
  readonly environments: readonly SlotView[];
  readonly changes?: ResourceChanges;
  /** Update version in the stack history, when the command ran or read one. */
  readonly updateVersion?: number;
  readonly lastUpdate?: { readonly result: string; readonly startTime: string; readonly endTime?: string };
  readonly nextSteps: readonly string[];
}
