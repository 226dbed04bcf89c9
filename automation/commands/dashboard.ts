/**
 * `dashboard`: a local web page of the project's stacks, live while rollouts run, with the
 * control commands behind buttons. Serves until stopped (Ctrl-C). Loopback by default; the
 * address it prints carries this run's token.
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ConfigError } from "../../model/errors";
import { cliActionStarter } from "../dashboard/actions";
import { DashboardHub } from "../dashboard/hub";
import { loadPipeline, projectPipelines } from "../../model/config/pipeline";
import { startDashboardServer, type RunningDashboard } from "../dashboard/server";
import { STACK_NAME, STACK_NAME_RULE } from "../stack-name";

export const DEFAULT_DASHBOARD_PORT = 7450;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

const flagsSchema = z.object({
  port: z.coerce.number({ message: "must be a port number" }).int("must be a whole number").min(0, "must be 0 (any free port) to 65535").max(65535, "must be at most 65535").default(DEFAULT_DASHBOARD_PORT),
  host: z.string().min(1, "must name an address to listen on, e.g. 127.0.0.1").default("127.0.0.1"),
  stack: z.array(z.string().regex(STACK_NAME, STACK_NAME_RULE)).default([]),
  readOnly: z.boolean().default(false),
  json: z.boolean().default(false),
  cwd: z.string(),
  statusEvery: z.coerce.number({ message: "must be a number of seconds" }).positive("must be more than 0").default(5),
});

export type DashboardFlags = z.input<typeof flagsSchema>;

/** The project's stacks: every stacks/Pulumi.<name>.yaml. */
export function projectStacks(workDir: string): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(path.join(workDir, "stacks"));
  } catch {
    return [];
  }
  return files
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined && STACK_NAME.test(name))
    .sort();
}

/** A pipeline's stacks; none when its file does not load (the page then shows it with its error). */
function pipelineStacks(workDir: string, name: string): string[] {
  try {
    return loadPipeline(workDir, name).stages.map((stage) => stage.stack);
  } catch {
    return [];
  }
}

export interface DashboardSession {
  readonly server: RunningDashboard;
  readonly hub: DashboardHub;
  readonly token: string;
  readonly stacks: readonly string[];
  readonly readOnly: boolean;
  /** The address with the token, as printed. */
  readonly address: string;
  stop(): Promise<void>;
}

export async function startDashboard(raw: DashboardFlags): Promise<DashboardSession> {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ path: `--${String(issue.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, message: issue.message, value: JSON.stringify((raw as Record<string, unknown>)[String(issue.path[0])]), fix: "see switchyard dashboard --help" })),
      "command line",
    );
  }
  const flags = parsed.data;
  const workDir = path.resolve(flags.cwd);
  const known = projectStacks(workDir);
  const unknown = flags.stack.filter((stack) => !known.includes(stack));
  if (unknown.length) {
    throw new ConfigError(unknown.map((stack) => ({ path: "--stack", message: `no stack file stacks/Pulumi.${stack}.yaml`, value: JSON.stringify(stack), fix: `name one of ${known.join(", ") || "(none: add a stack file)"}` })), "command line");
  }
  const stacks = flags.stack.length ? [...new Set(flags.stack)] : known;
  if (!stacks.length) throw new ConfigError([{ path: "--stack", message: "the project has no stacks", value: JSON.stringify(workDir), fix: "add stacks/Pulumi.<name>.yaml, or pass --cwd" }], "command line");
  const token = randomBytes(32).toString("base64url");
  // Named stacks show their pipelines only when every stage is among them; all stacks show all.
  const pipelines = projectPipelines(workDir).filter((name) => !flags.stack.length || pipelineStacks(workDir, name).every((stack) => stacks.includes(stack)));
  const hub = new DashboardHub({ workDir, stacks, pipelines, statusEveryMs: flags.statusEvery * 1000 });
  await hub.start();
  let server: RunningDashboard;
  try {
    server = await startDashboardServer({ hub, guard: { token }, readOnly: flags.readOnly, startAction: cliActionStarter(workDir), host: flags.host, port: flags.port });
  } catch (error) {
    hub.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new ConfigError([{ path: code === "EADDRNOTAVAIL" ? "--host" : "--port", message: `cannot listen on ${flags.host}:${flags.port} (${code})`, value: JSON.stringify(code === "EADDRNOTAVAIL" ? flags.host : flags.port), fix: "choose another with --port N (0 picks a free one)" }], "command line");
    }
    throw error;
  }
  return {
    server,
    hub,
    token,
    stacks,
    readOnly: flags.readOnly,
    address: `${server.url}?token=${token}`,
    stop: async () => {
      hub.stop();
      await server.close();
    },
  };
}

/** Runs the dashboard until SIGINT or SIGTERM; prints its address (one JSON document with --json). */
export async function dashboardCommand(raw: DashboardFlags): Promise<number> {
  const session = await startDashboard(raw);
  const loopback = LOOPBACK.has(String(raw.host ?? "127.0.0.1"));
  if (raw.json) {
    process.stdout.write(`${JSON.stringify({ url: session.address, stacks: session.stacks, read_only: session.readOnly }, null, 2)}\n`);
  } else {
    process.stdout.write(
      [
        `Switchyard dashboard of ${session.stacks.join(", ")}${session.readOnly ? " (read-only)" : ""}:`,
        `  ${session.address}`,
        `The address carries this run's token: whoever has it can ${session.readOnly ? "read the page" : "pause, promote and abort rollouts"}.`,
        ...(loopback ? [] : [`warning: listening on ${raw.host}, not loopback: anyone who can reach it and has the token can use it`]),
        "Ctrl-C stops it.",
        "",
      ].join("\n"),
    );
  }
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
  });
  await session.stop();
  return 0;
}
