/**
 * moto's S3-compatible server on a free loopback port, for tests of the S3 state backend.
 * Fails (never skips) with the command to run when moto is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort } from "./ports";

export interface MotoServer {
  readonly port: number;
  readonly endpoint: string;
  /** Test credentials for moto; the stores and the engine find them through the default AWS chain. */
  readonly awsEnv: Readonly<Record<string, string>>;
  /** A Pulumi backend URL for a bucket, in the engine's gocloud.dev syntax. */
  backendUrl(bucket: string, prefix?: string): string;
  createBucket(bucket: string): Promise<void>;
  stop(): Promise<void>;
}

const AWS_ENV = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" } as const;

function requireMoto(): void {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split("\n").pop();
    throw new Error(`moto's S3 server is needed: python3 -c "import moto.server" failed (${why}); install it with: pip install 'moto[server]' (or run: node bootstrap/ensure-postgres.mjs)`);
  }
}

async function waitUntilReady(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}: ${stderr()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto server did not answer on 127.0.0.1:${port} within 30 s: ${stderr()}`);
}

/**
 * moto's own server handles requests on threads, and its conditional PUT (If-Match,
 * If-None-Match) checks and writes in two moves: two racing writers can both win, which real S3
 * never lets happen. Served one request at a time, each conditional write is atomic, as on S3,
 * so the stores' compare-and-swap tests test our code, not moto's race.
 */
const SINGLE_THREADED_MOTO = [
  "import sys",
  "from werkzeug.serving import run_simple",
  "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app",
  "run_simple('127.0.0.1', int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)",
].join("\n");

export async function startMoto(): Promise<MotoServer> {
  requireMoto();
  const port = await freePort();
  const child = spawn("python3", ["-c", SINGLE_THREADED_MOTO, String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
  };
  try {
    await waitUntilReady(child, port, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    awsEnv: AWS_ENV,
    backendUrl: (bucket, prefix = "") =>
      `s3://${bucket}${prefix ? `/${prefix}` : ""}?endpoint=127.0.0.1:${port}&disableSSL=true&s3ForcePathStyle=true&region=${AWS_ENV.AWS_REGION}`,
    async createBucket(bucket) {
      const client = new S3Client({
        endpoint,
        forcePathStyle: true,
        region: AWS_ENV.AWS_REGION,
        credentials: { accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_ENV.AWS_SECRET_ACCESS_KEY },
      });
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      client.destroy();
    },
    stop,
  };
}
