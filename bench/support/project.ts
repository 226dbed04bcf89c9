/**
 * Throwaway projects for the benchmarks, the same pattern as test/support/project.ts: a work dir
 * under .switchyard/tmp (inside the repository, so the engine's dynamic-provider hosts resolve
 * our node_modules), its own file:// backend, a short run dir for HAProxy's socket, free loopback
 * ports. Every project is registered so that `cleanupAll` destroys it, even after a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { openStack, PROJECT_NAME, PROJECT_ROOT, type OpenedStack } from "../../automation/workspace";
import type { StackConfigInput } from "../../stacks/config";
import { benchProgram } from "./program";

export interface BenchProject {
  readonly stackName: string;
  readonly workDir: string;
  readonly runDir: string;
  readonly backendUrl: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ports: { listen: number; blue: number; green: number };
  writeConfig(overrides?: Partial<StackConfigInput>): void;
  open(program: PulumiFn): Promise<OpenedStack>;
  /** Runs `fn` with this project's backend and passphrase in process.env (for code that reads them there). */
  withProcessEnv<T>(fn: () => Promise<T>): Promise<T>;
  /** Destroys the stack if it was deployed, then removes the temp dirs. Returns the destroy time in ms. */
  cleanup(): Promise<number | undefined>;
}

const PASSPHRASE = "switchyard-bench-passphrase";
const live = new Set<BenchProject>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export async function createBenchProject(name: string): Promise<BenchProject> {
  const scratch = path.join(PROJECT_ROOT, ".switchyard", "tmp");
  mkdirSync(scratch, { recursive: true });
  const workDir = mkdtempSync(path.join(scratch, `bench-${name}-`));
  // Unix socket paths are limited to ~107 bytes: keep the run dir short.
  const runDir = mkdtempSync(path.join(tmpdir(), "syb-"));
  const backendDir = path.join(workDir, "state");
  mkdirSync(path.join(workDir, "stacks"), { recursive: true });
  mkdirSync(backendDir);
  // Without `main`: inline programs ignore it and the CLI checks that the path exists.
  const { main: _main, ...projectFile } = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
  writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(projectFile));
  const [listen, blue, green] = (await freePorts(3)) as [number, number, number];
  const ports = { listen, blue, green };
  const backendUrl = `file://${backendDir}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_BACKEND_URL: backendUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
  const stackName = name;
  const stackFile = path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`);

  const project: BenchProject = {
    stackName,
    workDir,
    runDir,
    backendUrl,
    env,
    ports,
    writeConfig(overrides = {}) {
      const values: StackConfigInput = {
        target: "local",
        service: "bench",
        slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } },
        traffic: { blue: 100, green: 0 },
        local: { ports, runDir },
        ...overrides,
      };
      const config = Object.fromEntries(Object.entries(values).map(([key, value]) => [`switchyard:${key}`, value]));
      // Keep what the engine wrote there (the passphrase's salt).
      const existing = existsSync(stackFile) ? (parse(readFileSync(stackFile, "utf8")) ?? {}) : {};
      writeFileSync(stackFile, stringify({ ...existing, config }));
    },
    open(program) {
      return openStack({ stackName, workDir, env }, program);
    },
    async withProcessEnv(fn) {
      const saved = { url: process.env.PULUMI_BACKEND_URL, pass: process.env.PULUMI_CONFIG_PASSPHRASE };
      process.env.PULUMI_BACKEND_URL = backendUrl;
      process.env.PULUMI_CONFIG_PASSPHRASE = PASSPHRASE;
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
  project.writeConfig();
  return project;
}

function restore(key: string, value: string | undefined) {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
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
