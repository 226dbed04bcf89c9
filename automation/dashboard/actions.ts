/**
 * A dashboard button runs the command a person would type (`switchyard pause --stack S`), as its
 * own process: it acts exactly like the command (the request goes to the running driver, or the
 * command becomes the driver when none runs), and it outlives the page and the dashboard. Its
 * output goes to a log file under .switchyard/dashboard/; its outcome shows in the records.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../model/toolchain";
import { commandLineOf, type DashboardAction } from "./view";

export interface ActionRun {
  readonly id: string;
  readonly stack: string;
  readonly action: DashboardAction;
  readonly command: string;
  readonly pid?: number;
  readonly log: string;
  readonly startedAt: string;
  /** Set when the process ended. */
  exitCode?: number | null;
  finishedAt?: string;
}

export type ActionStarter = (stack: string, action: DashboardAction) => ActionRun;

/** Starts `switchyard <action> --stack S --yes --json` from `workDir` (the CLI of this checkout). */
export function cliActionStarter(workDir: string, logDir = path.join(PROJECT_ROOT, ".switchyard", "dashboard")): ActionStarter {
  let counter = 0;
  return (stack, action) => {
    mkdirSync(logDir, { recursive: true });
    const startedAt = new Date().toISOString();
    const id = `${startedAt.replace(/[:.]/g, "-")}-${++counter}`;
    const log = path.join(logDir, `${stack}-${action}-${id}.log`);
    const args = [...commandLineOf(action, stack), "--yes", "--json", "--cwd", workDir];
    const out = openSync(log, "a");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "automation", "cli.ts"), ...args], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    const run: ActionRun = { id, stack, action, command: `switchyard ${args.join(" ")}`, pid: child.pid, log, startedAt };
    child.on("exit", (code) => {
      run.exitCode = code;
      run.finishedAt = new Date().toISOString();
    });
    child.on("error", () => {
      run.exitCode = null;
      run.finishedAt = new Date().toISOString();
    });
    // The command goes on if the dashboard stops: a resumed rollout must not die with the page.
    child.unref();
    return run;
  };
}
