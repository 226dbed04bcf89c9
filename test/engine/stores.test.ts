/**
 * The document stores of the shared backends against real servers started here on loopback:
 * moto's S3 server and a PostgreSQL cluster. Same contract as the file:// store: get, put,
 * compare-and-swap conflicts, delete, and of two concurrent writers exactly one wins.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { RevisionConflictError, UnsupportedBackendError, type DocumentStore } from "../../automation/store/document-store";
import { openDocumentStore } from "../../automation/store/open-store";
import { closePostgresPools, PostgresDocumentStore, postgresConfigFromUrl, PostgresStoreError, redactPostgresUrl } from "../../automation/store/postgres-store";
import { S3DocumentStore, s3LocationFromUrl } from "../../automation/store/s3-store";
import { startMoto, type MotoServer } from "../support/moto";
import { startPostgres, type PostgresServer } from "../support/postgres";

interface Doc {
  readonly n: number;
  readonly by?: string;
}

/** The contract every shared store must keep, run against one backend URL. */
function storeContract(name: string, backendUrl: () => string) {
  describe(`${name}: document store contract`, () => {
    let stack = 0;
    const open = (s = `stack-${++stack}`): DocumentStore => openDocumentStore(backendUrl(), "switchyard", s);

    it("get of a missing key is undefined; put creates revision 1; get returns it", async () => {
      const store = open();
      assert.equal(await store.get("rollout"), undefined);
      const written = await store.put<Doc>("rollout", { n: 1 }, 0);
      assert.deepEqual(written, { value: { n: 1 }, revision: 1 });
      assert.deepEqual(await store.get<Doc>("rollout"), { value: { n: 1 }, revision: 1 });
      assert.deepEqual(await store.put<Doc>("rollout", { n: 2 }, 1), { value: { n: 2 }, revision: 2 });
      assert.deepEqual(await store.get<Doc>("rollout"), { value: { n: 2 }, revision: 2 });
    });

    it("a stale revision is refused with RevisionConflictError and changes nothing", async () => {
      const store = open();
      await store.put<Doc>("rollout", { n: 1 }, 0);
      await store.put<Doc>("rollout", { n: 2 }, 1);
      await assert.rejects(store.put<Doc>("rollout", { n: 9 }, 1), (e: Error) => e instanceof RevisionConflictError && /expected revision 1, found 2/.test(e.message));
      await assert.rejects(store.put<Doc>("rollout", { n: 9 }, 0), (e: Error) => e instanceof RevisionConflictError && /expected revision 0, found 2/.test(e.message));
      await assert.rejects(store.put<Doc>("other", { n: 9 }, 3), (e: Error) => e instanceof RevisionConflictError && /found 0/.test(e.message));
      assert.deepEqual(await store.get<Doc>("rollout"), { value: { n: 2 }, revision: 2 });
      assert.equal(await store.get("other"), undefined);
    });

    it("delete removes the document (twice is fine); it can be created again", async () => {
      const store = open();
      await store.put<Doc>("rollout", { n: 1 }, 0);
      await store.delete("rollout");
      await store.delete("rollout");
      assert.equal(await store.get("rollout"), undefined);
      assert.deepEqual(await store.put<Doc>("rollout", { n: 3 }, 0), { value: { n: 3 }, revision: 1 });
    });

    it("keeps stacks and keys apart", async () => {
      const [a, b] = [open("left"), open("right")];
      await a.put<Doc>("rollout", { n: 1, by: "left" }, 0);
      await b.put<Doc>("rollout", { n: 1, by: "right" }, 0);
      await a.put<Doc>("release", { n: 7 }, 0);
      assert.equal((await a.get<Doc>("rollout"))!.value.by, "left");
      assert.equal((await b.get<Doc>("rollout"))!.value.by, "right");
      assert.equal(await b.get("release"), undefined);
    });

    it("of two concurrent writers of the same revision, exactly one wins (creation and update, 15 rounds)", async () => {
      // Two stores, as two processes would have.
      const [first, second] = [open("race"), openDocumentStore(backendUrl(), "switchyard", "race")];
      for (let round = 0; round < 15; round++) {
        const expected = round;
        const results = await Promise.allSettled([
          first.put<Doc>("rollout", { n: round, by: "first" }, expected),
          second.put<Doc>("rollout", { n: round, by: "second" }, expected),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        assert.equal(won.length, 1, `round ${round}: ${results.map((r) => r.status).join(", ")}`);
        assert.ok(lost[0]!.reason instanceof RevisionConflictError, String(lost[0]!.reason));
        const stored = (await first.get<Doc>("rollout"))!;
        assert.equal(stored.revision, expected + 1);
        assert.deepEqual(stored.value, (won[0] as PromiseFulfilledResult<{ value: Doc }>).value.value, "the winner's value is what is stored");
      }
    });
  });
}

describe("stores: S3 (moto server on loopback)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    moto = await startMoto();
    // The store takes credentials from the default AWS chain, as the engine does.
    for (const [key, value] of Object.entries(moto.awsEnv)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    await moto.createBucket("switchyard-state");
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto?.stop();
  });

  storeContract("s3", () => moto.backendUrl("switchyard-state"));

  it("keeps documents in the state's bucket under <prefix>/.switchyard/<project>/<stack>/<key>.json", async () => {
    const store = openDocumentStore(moto.backendUrl("switchyard-state", "team/a"), "switchyard", "prod");
    assert.ok(store instanceof S3DocumentStore);
    await store.put<Doc>("rollout", { n: 1 }, 0);
    const client = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: "switchyard-state", Prefix: "team/a/" }));
    client.destroy();
    assert.ok(listed.Contents?.some((o) => o.Key === "team/a/.switchyard/switchyard/prod/rollout.json"), JSON.stringify(listed.Contents?.map((o) => o.Key)));
    assert.match(store.location, /^s3:\/\/switchyard-state\/team\/a\/\.switchyard\/switchyard\/prod\//);
  });

  it("fails clearly when the bucket does not exist", async () => {
    const store = openDocumentStore(moto.backendUrl("no-such-bucket"), "switchyard", "prod");
    await assert.rejects(store.put("rollout", { n: 1 }, 0), /no-such-bucket.*failed: NoSuchBucket/s);
  });
});

describe("stores: PostgreSQL (a cluster on loopback)", function () {
  this.timeout(60_000);
  let pg: PostgresServer;

  before(async () => {
    pg = await startPostgres();
    await pg.createDatabase("state");
  });
  after(async () => {
    await closePostgresPools();
    await pg?.stop();
  });

  storeContract("postgres", () => pg.backendUrl("state"));

  it("postgresql:// opens the same documents as postgres://", async () => {
    await openDocumentStore(pg.backendUrl("state"), "switchyard", "scheme").put<Doc>("rollout", { n: 5 }, 0);
    const other = openDocumentStore(pg.backendUrl("state").replace("postgres://", "postgresql://"), "switchyard", "scheme");
    assert.ok(other instanceof PostgresDocumentStore);
    assert.deepEqual(await other.get<Doc>("rollout"), { value: { n: 5 }, revision: 1 });
  });

  it("never shows the password: location, and errors from a wrong password or a missing database", async () => {
    const store = openDocumentStore(pg.backendUrl("state"), "switchyard", "secret");
    assert.ok(!store.location.includes(pg.password), store.location);
    const wrong = pg.backendUrl("state").replace(pg.password, `${pg.password}x`);
    await assert.rejects(openDocumentStore(wrong, "switchyard", "secret").get("rollout"), (e: Error) => {
      assert.ok(e instanceof PostgresStoreError, String(e));
      assert.match(e.message, /password authentication failed/);
      assert.ok(!e.message.includes(pg.password), e.message);
      return true;
    });
    await assert.rejects(openDocumentStore(pg.backendUrl("missing"), "switchyard", "secret").get("rollout"), (e: Error) => {
      assert.match(e.message, /database "missing" does not exist/);
      assert.ok(!e.message.includes(pg.password), e.message);
      return true;
    });
  });
});

describe("stores: backend URLs read as the engine reads them", () => {
  it("s3: endpoint without scheme + disableSSL → http, path style, region; the URL path is a key prefix", () => {
    const where = s3LocationFromUrl("s3://b/some/dir?endpoint=127.0.0.1:9000&disableSSL=true&s3ForcePathStyle=true&region=eu-west-1", {});
    assert.deepEqual(where, {
      bucket: "b",
      prefix: "some/dir/",
      client: { endpoint: "http://127.0.0.1:9000", forcePathStyle: true, region: "eu-west-1", requestChecksumCalculation: "WHEN_REQUIRED" },
      encryption: undefined,
    });
  });

  it("s3: an endpoint with a scheme wins over disableSSL; no endpoint → disable_https; prefix= comes first", () => {
    assert.equal(s3LocationFromUrl("s3://b?endpoint=https://minio:9000&disableSSL=true", {}).client.endpoint, "https://minio:9000");
    assert.equal(s3LocationFromUrl("s3://b?disableSSL=true", {}).client.tls, false);
    assert.equal(s3LocationFromUrl("s3://b?use_path_style=true&disable_https=true", {}).client.forcePathStyle, true);
    assert.equal(s3LocationFromUrl("s3://b/sub?prefix=p/", {}).prefix, "p/sub/");
    assert.deepEqual(s3LocationFromUrl("s3://b?ssetype=aws:kms&kmskeyid=k1", {}).encryption, { type: "aws:kms", kmsKeyId: "k1" });
    assert.throws(() => s3LocationFromUrl("s3://b?disableSSL=maybe", {}), /disableSSL: must be true or false/);
    assert.throws(() => s3LocationFromUrl("s3://b?role=arn:aws:iam::1:role/x", {}), /role: is not supported for Switchyard records yet/);
  });

  it("postgres: user, password, host, port, database; sslmode defaults to the engine's (lib/pq) require", () => {
    const config = postgresConfigFromUrl("postgres://u:p%40ss@db.example:6543/state?sslmode=disable&search_path=pulumi&table=pulumi_state", {});
    assert.deepEqual(
      { host: config.host, port: config.port, user: config.user, password: config.password, database: config.database, ssl: config.ssl, options: config.options },
      { host: "db.example", port: 6543, user: "u", password: "p@ss", database: "state", ssl: false, options: "-c search_path=pulumi" },
    );
    assert.deepEqual(postgresConfigFromUrl("postgres://u@h/d", {}).ssl, { ca: undefined, cert: undefined, key: undefined, rejectUnauthorized: false });
    assert.equal(postgresConfigFromUrl("postgres://u@h/d", { PGSSLMODE: "disable" }).ssl, false);
    assert.equal(postgresConfigFromUrl("postgres://", {}).host, undefined, "PGHOST and friends fill in");
  });

  it("postgres: passwords are redacted from URLs in messages", () => {
    assert.equal(redactPostgresUrl("postgres://u:hunter2@h:5432/d?sslmode=disable"), "postgres://u:***@h:5432/d?sslmode=disable");
    assert.equal(redactPostgresUrl("postgres://h/d?user=u&password=hunter2&x=1"), "postgres://h/d?user=u&password=***&x=1");
  });

  it("gs:// and azblob:// are refused: not supported for Switchyard records yet", () => {
    for (const url of ["gs://bucket/state", "azblob://container", "https://api.pulumi.com"]) {
      assert.throws(() => openDocumentStore(url, "switchyard", "prod"), (e: Error) => e instanceof UnsupportedBackendError && /not supported for Switchyard records yet/.test(e.message));
    }
    assert.throws(() => openDocumentStore("gs://bucket?x=secret", "switchyard", "prod"), (e: Error) => !e.message.includes("secret"));
  });
});

describe("set-up: bootstrap/ensure-postgres.mjs", () => {
  interface Bootstrap {
    ensurePostgres(): Promise<{ initdb: string; pgCtl: string; postgres: string; version: string }>;
    ensureMoto(): Promise<{ python: string; version: string }>;
  }
  // Plain JavaScript outside the TypeScript project: loaded by URL, typed here.
  const load = () => import(pathToFileURL(path.join(__dirname, "..", "..", "bootstrap", "ensure-postgres.mjs")).href) as Promise<Bootstrap>;

  it("finds initdb, pg_ctl and postgres, and moto's server, on this machine", async () => {
    const { ensurePostgres, ensureMoto } = await load();
    const postgres = await ensurePostgres();
    for (const file of [postgres.initdb, postgres.pgCtl, postgres.postgres]) assert.ok(existsSync(file), file);
    assert.match(postgres.version, /^\d+/);
    assert.match((await ensureMoto()).version, /^\d+\.\d+/);
  });
});
