/**
 * One `switchyard drift` run on the benchmark stack, in its own process as a user's would be:
 * open the stack, run the check (both questions, or only one), build and render every
 * report. Prints one JSON line: the check's time, what it found, and this process's peak RSS.
 *   node --import tsx bench/drift-support/driver.ts WORK_DIR STACK COUNT cloud|code|both
 */
import { checkDrift } from "../../automation/drift/check";
import { buildDriftReport } from "../../automation/drift/report";
import { renderDriftJunit } from "../../automation/drift/render-junit";
import { renderDriftMarkdown } from "../../automation/drift/render-markdown";
import { renderDriftJson, renderDriftText } from "../../automation/drift/render-text";
import * as path from "node:path";
import { asProgramFile } from "../../model/program-file";
import { openStack } from "../../automation/workspace";

export interface DriverLine {
  readonly ms: number;
  readonly items: number;
  readonly resources: number;
  readonly exitCode: number;
  /** Peak resident memory of this (the driver's) process, MB. */
  readonly maxRssMb: number;
}

async function main(): Promise<void> {
  const [workDir, stackName, count, mode] = process.argv.slice(2);
  const started = performance.now();
  // The same program as plain-main.ts, which the project's Pulumi.yaml names: as for the
  // Switchyard program, the code question runs that file through the language host.
  // Loaded on first run, as the Switchyard program is (stacks/deferred-program.ts): a check whose
  // program runs from the file never loads the SDK.
  const deferred = () => (require("./program") as typeof import("./program")).noopProgram(Number(count))();
  const program = asProgramFile(deferred, path.join(__dirname, "plain-main.ts"));
  const opened = await openStack({ stackName: stackName!, workDir: workDir!, mustExist: true, deferSelect: true }, program);
  const { items, resources } = await checkDrift(opened, { questions: mode === "cloud" ? ["cloud"] : mode === "code" ? ["code"] : ["cloud", "code"] });
  const report = buildDriftReport({ stack: stackName!, startedAt: Date.now(), items, resources });
  const rendered = [renderDriftText(report), renderDriftJson(report), renderDriftMarkdown(report), renderDriftJunit(report)];
  const line: DriverLine = {
    ms: performance.now() - started,
    items: items.length,
    resources: resources.length,
    exitCode: report.summary.exit_code + (rendered.some((r) => r.length === 0) ? 100 : 0),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
