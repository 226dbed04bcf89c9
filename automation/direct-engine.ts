/**
 * Runs one engine operation through the CLI binary directly, serving an inline program to it.
 *
 * Why not `stack.up`: after every update the Automation API reads the stack's outputs (two more
 * CLI processes) and its history (a third), which more than doubles a traffic step. A step needs
 * none of that: the data plane is read back instead. So the driver does what `stack.up` does
 * inside, and no more: it serves the program with the SDK's LanguageServer over gRPC and runs
 * `pulumi <op> --client=<addr> --exec-kind auto.inline`.
 *
 * The LanguageServer and the gRPC service definition are not in the SDK's typed surface (its
 * server.d.ts is empty); they are the very objects `stack.up` uses, loaded from the SDK's own
 * files, so an SDK upgrade that moves them fails here at once, in every engine test.
 */
import { execFileSync, spawn } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import type * as grpc from "@grpc/grpc-js";
import type { EngineEvent, PulumiFn } from "@pulumi/pulumi/automation";

interface LanguageServerLike {
  onPulumiExit(hasError: boolean): void;
}

/** The SDK and gRPC load only when a program is served: a refresh runs none, and starts faster without them. */
function languageRuntime() {
  const { LanguageServer } = require("@pulumi/pulumi/automation/server") as { LanguageServer: new (program: PulumiFn) => LanguageServerLike };
  const langrpc = require("@pulumi/pulumi/proto/language_grpc_pb") as { LanguageRuntimeService: grpc.ServiceDefinition };
  return { LanguageServer, service: langrpc.LanguageRuntimeService, grpc: require("@grpc/grpc-js") as typeof grpc };
}

/** The SDK's limits for program ↔ engine messages (large stacks send large state). */
const GRPC_MESSAGE_LIMIT = 1024 * 1024 * 400;

export interface DirectEngineSettings {
  /** The `pulumi` binary. */
  readonly binary: string;
  readonly stackName: string;
  readonly workDir: string;
  /** The engine's environment: backend, passphrase, PULUMI_HOME (see workspace.ts). */
  readonly env: Record<string, string>;
}

/** A failed CLI run, with what the CLI said; workspace.ts turns it into a Switchyard error. */
export class DirectEngineFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`pulumi ${args[0]} exited ${code}\nstderr: ${[diagnostics(stdout), stderr].filter(Boolean).join("\n") || stdout}`);
  }
}

/**
 * The "Diagnostics:" section of the CLI's output, without stack traces: where a failed update
 * says why (a program error is there, not on stderr).
 */
export function diagnostics(stdout: string): string {
  const section = stdout.match(/^Diagnostics:\n((?:[ \t]+.*\n?|\n)*)/m)?.[1] ?? "";
  return section
    .split("\n")
    .filter((line) => line.trim() && !/^\s+at /.test(line))
    .join("\n");
}

export interface DirectRunOptions {
  /** Served to the CLI as the program; omit for operations that run none (refresh). */
  readonly program?: PulumiFn;
  readonly onOutput?: (text: string) => void;
  /** Engine settings for this run only, on top of the stack's. */
  readonly env?: Record<string, string>;
  /** Engine events of the kinds in `eventKinds` (e.g. "resOutputsEvent"), as the engine emits them. */
  readonly onEvent?: (event: EngineEvent) => void;
  readonly eventKinds?: readonly (keyof EngineEvent)[];
  /** Stops the CLI (SIGTERM) when aborted; for read-only runs started speculatively. */
  readonly signal?: AbortSignal;
}

/**
 * The CLI writes its event log to a named pipe, read as the engine works, so the events are
 * decoded while it runs rather than after. (A pipe on an inherited descriptor does not do: Node
 * hands children sockets, which the CLI cannot open by path.)
 */
function eventPipe(): { path: string; stream: Readable; close(): Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-events-"));
  const fifo = path.join(dir, "events");
  execFileSync("mkfifo", ["-m", "600", fifo]);
  const stream = createReadStream(fifo);
  let opened = false;
  let closed = false;
  stream.once("open", () => (opened = true));
  return {
    path: fifo,
    stream,
    // Called once the CLI has exited. If it never opened the log (it failed first), the reader
    // still waits in open(); opening the write end once lets it see the end instead.
    async close() {
      if (closed) return;
      closed = true;
      if (!opened) await (await open(fifo, "w")).close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Reads the CLI's event log, a JSON object per line, and hands over the events of the wanted
 * kinds. Events carry whole property bags (on a 1,000-resource stack the log is tens of MB), so
 * lines are streamed, and a line is parsed only when it names a wanted kind.
 */
async function readEvents(stream: Readable, kinds: readonly string[], onEvent: (event: EngineEvent) => void): Promise<void> {
  const marks = kinds.map((kind) => `"${kind}"`);
  const lines = createInterface({ input: stream.setEncoding("utf8"), crlfDelay: Infinity });
  // The pipe is drained to its end whatever happens: a reader that stopped would block the engine.
  let failure: unknown;
  for await (const line of lines) {
    if (failure !== undefined || !marks.some((mark) => line.includes(mark))) continue;
    try {
      onEvent(JSON.parse(line) as EngineEvent);
    } catch (error) {
      failure = error;
    }
  }
  if (failure !== undefined) throw failure;
}

async function serve(program: PulumiFn): Promise<{ address: string; close(failed: boolean): void }> {
  const { LanguageServer, service, grpc } = languageRuntime();
  const server = new grpc.Server({ "grpc.max_receive_message_length": GRPC_MESSAGE_LIMIT, "grpc.max_send_message_length": GRPC_MESSAGE_LIMIT });
  const language = new LanguageServer(program);
  server.addService(service, language as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    close(failed) {
      try {
        language.onPulumiExit(failed);
      } finally {
        server.forceShutdown();
      }
    },
  };
}

/** Runs `pulumi <args> --stack S --non-interactive` (plus the program's address); resolves with stdout. */
export async function runDirect(settings: DirectEngineSettings, args: readonly string[], options: DirectRunOptions = {}): Promise<string> {
  const all = [...args, "--stack", settings.stackName, "--non-interactive"];
  const served = options.program ? await serve(options.program) : undefined;
  if (served) all.push(`--client=${served.address}`, "--exec-kind", "auto.inline");
  const pipe = options.onEvent ? eventPipe() : undefined;
  if (pipe) all.push("--event-log", pipe.path);
  const env = {
    ...process.env,
    ...settings.env,
    ...options.env,
    PULUMI_AUTOMATION_API: "true",
    // `--event-log` is one of the CLI's debug flags, which exist only with this set (as the SDK sets it).
    ...(pipe ? { PULUMI_DEBUG_COMMANDS: "true" } : {}),
    PATH: [path.dirname(settings.binary), settings.env.PATH ?? process.env.PATH ?? ""].join(path.delimiter),
  };
  let failed = true;
  // Settles with the handler's error, if any: it is reported after the engine's own.
  const reading = pipe ? readEvents(pipe.stream, options.eventKinds ?? [], options.onEvent!).then(() => undefined, (error: unknown) => error) : Promise.resolve(undefined);
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(settings.binary, all, { cwd: settings.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        out += text;
        options.onOutput?.(text);
      });
      child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
      const stop = () => child.kill("SIGTERM");
      if (options.signal?.aborted) stop();
      options.signal?.addEventListener("abort", stop, { once: true });
      child.on("close", () => options.signal?.removeEventListener("abort", stop));
    });
    await pipe?.close();
    const handlerError = await reading;
    if (code !== 0) throw new DirectEngineFailure(all, code, stdout, stderr);
    if (handlerError) throw handlerError;
    failed = false;
    return stdout;
  } finally {
    await pipe?.close();
    served?.close(failed);
  }
}
