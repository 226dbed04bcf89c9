/**
 * The real CLI with the stack's state in the engine's shared backends: an S3 bucket (moto on
 * loopback) and a PostgreSQL database (a cluster on loopback). The local target deploys, a
 * progressive rollout keeps its record in that backend (status shows it), and of two drivers
 * started at once one proceeds while the other fails naming who holds the stack.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Client } from "pg";
import type { RolloutRecord } from "../../automation/rollout/record";
import { closePostgresPools, postgresConfigFromUrl } from "../../automation/store/postgres-store";
import type { StackConfigInput } from "../../model/config/stack";
import { startMoto } from "../support/moto";
import { startPostgres } from "../support/postgres";
import { createTestProject, type CliResult, type TestProject } from "../support/project";

/** A shared backend under test: how to start it, and what keys it holds for a prefix. */
interface Backend {
  readonly name: string;
  start(): Promise<Started>;
}

interface LockContent {
  readonly pid: number;
  readonly username: string;
  readonly hostname: string;
  readonly timestamp: string;
}

interface Started {
  readonly url: string;
  /** The same server with a bucket or database that does not exist, and what the engine says of it. */
  readonly missing: { readonly url: string; readonly says: RegExp };
  /** What must never be printed. */
  readonly secrets: string[];
  /** Keys the backend holds that contain `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** Leaves an engine lock as another machine's `pulumi up` would (pkg/backend/diy/lock.go). */
  plantLock(stack: string, content: LockContent): Promise<void>;
  removeLock(stack: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where the engine keeps a stack's locks, relative to the backend's root. */
const lockKey = (stack: string) => `.pulumi/locks/organization/switchyard/${stack}/planted-by-test.json`;

const s3: Backend = {
  name: "S3 (moto)",
  async start() {
    const moto = await startMoto();
    const saved = Object.fromEntries(Object.keys(moto.awsEnv).map((k) => [k, process.env[k]]));
    // The CLI children inherit these; the engine and our store find them in the default AWS chain.
    Object.assign(process.env, moto.awsEnv);
    await moto.createBucket("switchyard-state");
    const client = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true });
    return {
      url: moto.backendUrl("switchyard-state"),
      missing: { url: moto.backendUrl("no-such-bucket"), says: /NoSuchBucket: The specified bucket does not exist/ },
      secrets: [moto.awsEnv.AWS_SECRET_ACCESS_KEY],
      async keys(prefix) {
        const out = await client.send(new ListObjectsV2Command({ Bucket: "switchyard-state", Prefix: prefix }));
        return (out.Contents ?? []).map((o) => o.Key!);
      },
      async plantLock(stack, content) {
        await client.send(new PutObjectCommand({ Bucket: "switchyard-state", Key: lockKey(stack), Body: JSON.stringify(content) }));
      },
      async removeLock(stack) {
        await client.send(new DeleteObjectCommand({ Bucket: "switchyard-state", Key: lockKey(stack) }));
      },
      async stop() {
        client.destroy();
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        await moto.stop();
      },
    };
  },
};

const postgres: Backend = {
  name: "PostgreSQL",
  async start() {
    const server = await startPostgres();
    await server.createDatabase("state");
    const url = server.backendUrl("state");
    const client = new Client(postgresConfigFromUrl(url));
    await client.connect();
    return {
      url,
      missing: { url: server.backendUrl("no_such_db"), says: /database "no_such_db" does not exist/ },
      secrets: [server.password],
      async keys(prefix) {
        // Pulumi's table holds its files by key; ours holds documents by (project, stack, key).
        const state = await client.query<{ key: string }>("SELECT key FROM pulumi_state WHERE key LIKE $1", [`%${prefix}%`]);
        const ours = await client.query<{ key: string }>("SELECT project || '/' || stack || '/' || key AS key FROM switchyard_documents").catch(() => ({ rows: [] }));
        return [...state.rows.map((r) => r.key), ...ours.rows.map((r) => `.switchyard/${r.key}.json`)].filter((k) => k.includes(prefix));
      },
      // Pulumi's postgres bucket keeps files under the URL's path (the database name) as a folder.
      async plantLock(stack, content) {
        const data = JSON.stringify({ data: Buffer.from(JSON.stringify(content)).toString("base64") });
        await client.query("INSERT INTO pulumi_state (key, data) VALUES ($1, $2)", [`state/${lockKey(stack)}`, data]);
      },
      async removeLock(stack) {
        await client.query("DELETE FROM pulumi_state WHERE key = $1", [`state/${lockKey(stack)}`]);
      },
      async stop() {
        await client.end();
        await closePostgresPools();
        await server.stop();
      },
    };
  },
};

const bakingAt = (index: number) => (r: RolloutRecord) => r.stepIndex === index && r.steps[index]?.phase === "baking" && r.owner !== undefined;

function release(slot: "blue" | "green", version: string, other: string, bake: string): Partial<StackConfigInput> {
  return {
    active: slot,
    traffic: undefined,
    slots: slot === "green" ? { blue: { version: other }, green: { version } } : { blue: { version }, green: { version: other } },
    rollout: { strategy: "canary", steps: [20, 50, 100], bake },
    analysis: { metrics: [{ name: "probe", provider: { type: "http", path: "/" }, interval: "1s", count: 1 }] },
  };
}

/** What must survive any race: every resource, by URN and type, and no operation left pending. */
async function stateShape(project: TestProject) {
  const state = await (await project.open()).run("export", (s) => s.exportStack());
  const resources = (state.deployment.resources ?? []) as { urn: string; type: string }[];
  return {
    urns: resources.map((r) => `${r.type} ${r.urn}`).sort(),
    pending: state.deployment.pending_operations ?? [],
    secretsProviders: state.deployment.secrets_providers,
  };
}

function assertNoSecrets(result: CliResult, secrets: readonly string[]) {
  for (const secret of secrets) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), "a secret of the backend URL was printed");
  }
}

for (const backend of [s3, postgres]) {
  describe(`engine: the local target with its state in ${backend.name}`, function () {
    this.timeout(300_000);
    let server: Awaited<ReturnType<Backend["start"]>>;
    let project: TestProject;

    before(async () => {
      server = await backend.start();
      project = await createTestProject(`backend-${backend === s3 ? "s3" : "pg"}`, { backendUrl: server.url });
    });
    after(async () => {
      await project?.cleanup();
      await server?.stop();
    });

    it("a bucket or database that does not exist: the command fails with the engine's reason, and prints no secret", async () => {
      const lost = await createTestProject(`missing-${backend === s3 ? "s3" : "pg"}`, { backendUrl: server.missing.url });
      try {
        const result = await lost.cli("status");
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, server.missing.says);
        assertNoSecrets(result, server.secrets);
      } finally {
        await lost.cleanup();
      }
    });

    it("deploys, with the stack's state in the shared backend and nothing in a local folder", async () => {
      project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
      const result = await project.cli("deploy", "--json");
      assert.equal(result.code, 0, result.stderr);
      assertNoSecrets(result, server.secrets);
      assert.ok((await server.keys(".pulumi/stacks/switchyard/")).some((k) => k.endsWith(`${project.stackName}.json`)), "the stack's checkpoint is in the backend");
      assert.ok((await stateShape(project)).urns.some((u) => u.includes("Workload")));
      assert.deepEqual(readdirSync(path.join(project.workDir, "state")), [], "the project's default file:// folder stays empty");
    });

    it("rolls a release out progressively with the record in the backend; status shows it from another process", async () => {
      project.writeConfig(release("green", "2.0.0", "1.0.0", "20s"));
      const driver = project.cliInBackground("deploy", "--json");
      const during = await project.waitForRecord(bakingAt(0));
      assert.ok((await server.keys(".switchyard/switchyard/")).includes(`.switchyard/switchyard/${project.stackName}/rollout.json`));
      const status = await project.cli("status", "--json");
      assert.equal(status.code, 0, status.stderr);
      assertNoSecrets(status, server.secrets);
      assert.match(JSON.parse(status.stdout).summary.message, new RegExp(`rollout ${during.id} running at step 1/3, driven by .+ pid \\d+`));
      const promoted = await project.cli("promote", "--full");
      assert.equal(promoted.code, 0, promoted.stderr);
      const done = await driver.done;
      assert.equal(done.code, 0, done.stderr);
      assert.equal((await project.rolloutRecord())!.status, "succeeded");
    });

    it("an update held by another machine: the engine's lock names its holder, and so does our error", async () => {
      await server.plantLock(project.stackName, { pid: 4242, username: "alice", hostname: "ci-runner-7", timestamp: new Date().toISOString() });
      try {
        const result = await project.cli("deploy");
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, new RegExp(`stack "${project.stackName}" is locked by another update: .*alice@ci-runner-7.*pid 4242`));
        assertNoSecrets(result, server.secrets);
      } finally {
        await server.removeLock(project.stackName);
      }
    });

    it("of two drivers deploying at once, one proceeds and the other fails naming the holder; no state is lost", async () => {
      const before = await stateShape(project);
      project.writeConfig(release("blue", "3.0.0", "2.0.0", "5s"));
      const drivers = [project.cliInBackground("deploy"), project.cliInBackground("deploy")];
      const first = await Promise.race(drivers.map((d, i) => d.done.then((result) => ({ result, i }))));
      const loser = first.result;
      const winner = drivers[1 - first.i]!;
      assert.equal(loser.code, 1, `the first to finish should be the one refused:\n${loser.stderr}`);
      assert.equal(winner.child.exitCode, null, "the other driver still runs");
      assertNoSecrets(loser, server.secrets);
      const holder = `pid ${winner.child.pid}`;
      const refusal = loser.stderr;
      assert.match(refusal, new RegExp(`is locked: rollout r-\\w+ is in progress, driven by .+ ${holder}\\b|is locked by another update: .*\\S+@\\S+.* pid \\d+`));
      const won = await winner.done;
      assert.equal(won.code, 0, won.stderr);

      const after = await stateShape(project);
      assert.deepEqual(after, before, "every resource is still in the state, none pending");
      const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
      assert.equal(outputs.slots!.value.blue.version, "3.0.0", "the winner's release is what the state holds");
      assert.deepEqual(outputs.weights!.value, { blue: 100, green: 0 });
    });
  });
}
