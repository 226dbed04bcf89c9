/** Writes the Markdown and JUnit reports where the flags say; folders are created as needed. */
import { writeReportFile } from "../report/files";
import type { DriftReport } from "./model";
import { renderDriftJunit } from "./render-junit";
import { renderDriftMarkdown } from "./render-markdown";

export interface ReportFiles {
  readonly markdown?: string;
  readonly junit?: string;
}

export function writeReportFiles(report: DriftReport, files: ReportFiles): void {
  if (files.markdown) writeReportFile("--markdown", files.markdown, renderDriftMarkdown(report));
  if (files.junit) writeReportFile("--junit", files.junit, renderDriftJunit(report));
}
