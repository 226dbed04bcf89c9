/**
 * Throwaway projects for the benchmarks: the test suites' project (test/support/project.ts) with
 * a timed cleanup. Every project is registered so that `cleanupAll` destroys it, even after a
 * failure.
 */
import { existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { openStack, PROJECT_NAME, type OpenedStack, type ProgramScopes } from "../../automation/workspace";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject } from "../../test/support/project";
import { benchProgram } from "./program";

export interface BenchProject {
  readonly stackName: string;
  readonly workDir: string;
  readonly runDir: string;
  readonly backendUrl: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ports: { listen: number; blue: number; green: number };
  writeConfig(overrides?: Partial<StackConfigInput>): void;
  open(program: PulumiFn | ProgramScopes): Promise<OpenedStack>;
  /** Runs `fn` with this project's backend and passphrase in process.env (for code that reads them there). */
  withProcessEnv<T>(fn: () => Promise<T>): Promise<T>;
  /** Destroys the stack if it was deployed, then removes the temp dirs. Returns the destroy time in ms. */
  cleanup(): Promise<number | undefined>;
}

const live = new Set<BenchProject>();

/** The test suites' throwaway project, plus what the benchmarks need: timed cleanup and a registry. */
export async function createBenchProject(name: string): Promise<BenchProject> {
  const base = await createTestProject(`bench-${name}`);
  const { stackName, workDir, runDir, env } = base;
  const backendUrl = env.PULUMI_BACKEND_URL!;
  const backendDir = new URL(backendUrl).pathname;

  const project: BenchProject = {
    stackName,
    workDir,
    runDir,
    backendUrl,
    env,
    ports: base.ports,
    writeConfig: (overrides = {}) => base.writeConfig(overrides),
    open: (program) => base.open(program),
    async withProcessEnv(fn) {
      const saved = { url: process.env.PULUMI_BACKEND_URL, pass: process.env.PULUMI_CONFIG_PASSPHRASE };
      process.env.PULUMI_BACKEND_URL = backendUrl;
      process.env.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
      try {
        return await fn();
      } finally {
        restore("PULUMI_BACKEND_URL", saved.url);
        restore("PULUMI_CONFIG_PASSPHRASE", saved.pass);
      }
    },
    async cleanup() {
      live.delete(project);
      let ms: number | undefined;
      try {
        // A file:// backend keeps each stack's checkpoint at .pulumi/stacks/<project>/<stack>.json.
        if (existsSync(path.join(backendDir, ".pulumi", "stacks", PROJECT_NAME, `${stackName}.json`))) {
          const opened = await openStack({ stackName, workDir, env, mustExist: true }, benchProgram(0));
          const started = performance.now();
          await opened.run("destroy", (stack) => stack.destroy());
          ms = performance.now() - started;
        }
      } finally {
        rmSync(workDir, { recursive: true, force: true });
        rmSync(runDir, { recursive: true, force: true });
      }
      return ms;
    },
  };
  live.add(project);
  return project;
}

function restore(key: string, value: string | undefined) {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/**
 * Deploys the way the benchmarks set up their stacks: without intermediate checkpoints, 1,000
 * creates take seconds rather than minutes. Set-up only, never a measured figure.
 */
export async function deployWithoutCheckpoints(opened: OpenedStack): Promise<void> {
  const saved = process.env.PULUMI_SKIP_CHECKPOINTS;
  process.env.PULUMI_SKIP_CHECKPOINTS = "true";
  try {
    await opened.run("bench deploy", (stack) => stack.up({ parallel: 32 }));
  } finally {
    restore("PULUMI_SKIP_CHECKPOINTS", saved);
  }
}

/** Destroys every project still alive; reports failures instead of throwing. */
export async function cleanupAll(log: (line: string) => void): Promise<void> {
  for (const project of [...live]) {
    try {
      await project.cleanup();
    } catch (error) {
      log(`cleanup of ${project.stackName} failed (work dir ${project.workDir}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
