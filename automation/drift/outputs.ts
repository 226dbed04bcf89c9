/** Writes the Markdown and JUnit reports where the flags say; folders are created as needed. */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "./model";
import { renderDriftJunit } from "./render-junit";
import { renderDriftMarkdown } from "./render-markdown";

export interface ReportFiles {
  readonly markdown?: string;
  readonly junit?: string;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

export function writeReportFiles(report: DriftReport, files: ReportFiles): void {
  if (files.markdown) write(files.markdown, renderDriftMarkdown(report));
  if (files.junit) write(files.junit, renderDriftJunit(report));
}
