/**
 * The local target's replicated store, for real: a PostgreSQL primary and its streaming replica
 * on loopback, a writer at ~50 inserts/s, a crash of the primary, and LocalDataPrimary moving
 * the primary. RPO is counted, not assumed: acknowledged inserts missing on the server that
 * takes over are writes lost. The first suite goes through the real engine (a tiny inline
 * program declaring the resource); the others call the provider's create/update/read directly.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { LocalDataPrimary } from "../../components/local/data-resources";
import { apply, DataPrimaryRefused, provider, readBack, type DataPrimaryInputs } from "../../components/local/data-primary-provider";
import { withClient } from "../../components/local/postgres-observe";
import { postgresBinaries, startServer } from "../../components/local/postgres-server";
import { waitFor } from "../../components/local/processes";
import { startReplicatedPostgres, type ReplicatedPostgres } from "../support/pg-replica";
import { createTestProject, type TestProject } from "../support/project";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Region a starts as primary, region b as its replica, on distinct loopback addresses. */
const start = (synchronous: boolean) =>
  startReplicatedPostgres({ synchronous, primary: { name: "a", address: "127.0.0.1" }, replica: { name: "b", address: "127.0.0.2" } });

const storesOf = (c: ReplicatedPostgres): DataPrimaryInputs["stores"] => ({
  a: { url: c.urls.primary, dataDir: c.dataDirs.primary },
  b: { url: c.urls.replica, dataDir: c.dataDirs.replica },
});

/** Writes under load for `ms`, then the primary crashes; returns when it is gone. */
async function loadThenCrash(c: ReplicatedPostgres, ms: number): Promise<ReturnType<ReplicatedPostgres["writer"]>> {
  const writer = c.writer(c.urls.primary, 50);
  await sleep(ms);
  await c.kill("primary");
  return writer;
}

const log = (line: string) => console.log(`      ${line}`);

describe("engine: LocalDataPrimary through the real engine (PostgreSQL on loopback)", function () {
  this.timeout(300_000);
  let project: TestProject;
  let cluster: ReplicatedPostgres | undefined;

  const program = (c: ReplicatedPostgres, primary: string) => async () => {
    const stores = { a: { url: pulumi.secret(c.urls.primary), dataDir: c.dataDirs.primary }, b: { url: pulumi.secret(c.urls.replica), dataDir: c.dataDirs.replica } };
    const data = new LocalDataPrimary("data", { stores, primary });
    return { primary: data.primary, roles: data.roles };
  };

  before(async () => {
    project = await createTestProject("data-primary");
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  after(async () => {
    await project?.cleanup();
  });

  it("synchronous replica: the primary crashes under load, `up` with primary b promotes b and no acknowledged write is lost", async () => {
    cluster = await start(true);
    const first = await project.open(program(cluster, "a"));
    const deployed = await first.run("deploy", (s) => s.up());
    assert.equal(deployed.outputs.primary!.value, "a");

    const writer = await loadThenCrash(cluster, 3000);
    const started = Date.now();
    const second = await project.open(program(cluster, "b"));
    const moved = await second.run("deploy", (s) => s.up());
    const upSeconds = (Date.now() - started) / 1000;
    const report = await writer.stop();
    assert.equal(moved.outputs.primary!.value, "b");
    assert.deepEqual(moved.outputs.roles!.value, { a: "unreachable", b: "primary" });
    const state = JSON.stringify(await second.run("export", (s) => s.exportStack()));
    assert.ok(!state.includes(new URL(cluster.urls.primary).password), "the stores' URLs stay secret in state");

    const present = await cluster.countAcknowledgedPresent(cluster.urls.replica);
    log(`sync: ${report.acknowledged} acknowledged, ${report.failed} failed, ${report.acknowledged - present} lost; up (engine + promotion) ${upSeconds.toFixed(1)} s`);
    assert.ok(report.acknowledged >= 50, `the writer got ${report.acknowledged} inserts through before the crash`);
    assert.equal(present, cluster.acknowledgedCount(), "every acknowledged insert is on the promoted replica");

    // The new primary takes writes.
    const after = cluster.writer(cluster.urls.replica, 50);
    await sleep(500);
    assert.ok((await after.stop()).acknowledged > 0, "region b acknowledges inserts after the promotion");
  });

  it("an out-of-band pg_promote shows on refresh as a changed primary", async () => {
    cluster = await start(false);
    const opened = await project.open(program(cluster, "a"));
    await opened.run("deploy", (s) => s.up());
    await withClient(cluster.urls.replica, (client) => client.query("SELECT pg_promote(true, 60)"));

    const events: EngineEvent[] = [];
    await opened.run("previewRefresh", (s) => s.previewRefresh({ onEvent: (e) => events.push(e) }));
    const changed = events.flatMap((e) => (e.resOutputsEvent && e.resOutputsEvent.metadata.op !== "same" ? [e.resOutputsEvent.metadata] : []));
    const data = changed.find((m) => m.urn.endsWith("::data"));
    assert.ok(data, `refresh finds the data primary changed; changed: ${changed.map((m) => m.urn).join(", ")}`);
    assert.equal(data.new?.outputs?.primary, "a,b", "both servers now take writes");
    assert.equal(data.old?.outputs?.primary, "a");
  });
});

describe("engine: the data-primary provider against PostgreSQL (provider functions called directly)", function () {
  this.timeout(300_000);
  let cluster: ReplicatedPostgres | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("asynchronous replica: the primary crashes under load; promotion reports the acknowledged writes lost", async () => {
    cluster = await start(false);
    const stores = storesOf(cluster);
    await provider.create!({ stores, primary: "a" });
    const writer = await loadThenCrash(cluster, 3000);
    const started = Date.now();
    const { outs } = await provider.update!("id", { stores, primary: "a" }, { stores, primary: "b" });
    const promotionSeconds = (Date.now() - started) / 1000;
    const report = await writer.stop();
    assert.equal(outs.primary, "b");
    const present = await cluster.countAcknowledgedPresent(cluster.urls.replica);
    const lost = cluster.acknowledgedCount() - present;
    log(`async: ${report.acknowledged} acknowledged, ${report.failed} failed, ${lost} lost (RPO in writes); promotion ${promotionSeconds.toFixed(2)} s`);
    assert.ok(report.acknowledged >= 50, `the writer got ${report.acknowledged} inserts through before the crash`);
    assert.ok(lost >= 0 && present > 0, "the promoted replica holds the acknowledged inserts it received");
  });

  it("refuses when the desired primary cannot be reached, and changes nothing", async () => {
    cluster = await start(false);
    const stores = storesOf(cluster);
    await cluster.kill("replica");
    await assert.rejects(apply({ stores, primary: "b" }), (error: unknown) => {
      assert.ok(error instanceof DataPrimaryRefused);
      assert.equal(error.code, "unreachable");
      assert.match(error.message, /region b's server cannot be reached.*nothing was changed.*stores\.b\.url/);
      assert.doesNotMatch(error.message, new RegExp(cluster!.replication.password));
      return true;
    });
    assert.equal((await readBack({ stores, primary: "a" })).primary, "a");
    const writer = cluster.writer(cluster.urls.primary, 50);
    await sleep(300);
    assert.ok((await writer.stop()).acknowledged > 0, "region a still takes writes");
  });

  it("failback: refused while the old primary is a primary; after a re-seed, a switchover back under load loses no acknowledged write", async () => {
    cluster = await start(true);
    const stores = storesOf(cluster);
    const crashed = await loadThenCrash(cluster, 2000);
    await apply({ stores, primary: "b" });
    await crashed.stop();
    const onB = cluster.writer(cluster.urls.replica, 50);
    await sleep(1000);

    // The old primary comes back from its crash as a primary: moving back now would fork the data.
    await startServer(await postgresBinaries(), cluster.dataDirs.primary);
    await assert.rejects(apply({ stores, primary: "a" }, "b"), (error: unknown) => {
      assert.ok(error instanceof DataPrimaryRefused);
      assert.equal(error.code, "two-primaries");
      assert.match(error.message, /two primaries that both took writes.*re-seed region a's server as a streaming replica of region b first.*pg_basebackup -R/i);
      return true;
    });
    assert.deepEqual((await readBack({ stores, primary: "b" })).roles, { a: "primary", b: "primary" });

    await cluster.reseed("primary", cluster.urls.replica, true);
    assert.deepEqual((await readBack({ stores, primary: "b" })).roles, { a: "replica of b", b: "primary" });

    // The planned switchover runs while region b still takes writes.
    const started = Date.now();
    const outs = await apply({ stores, primary: "a" }, "b");
    const switchSeconds = (Date.now() - started) / 1000;
    const report = await onB.stop();
    assert.equal(outs.primary, "a");
    assert.equal(outs.roles.b, "replica of a");
    const present = await cluster.countAcknowledgedPresent(cluster.urls.primary);
    log(`switchover b -> a: ${switchSeconds.toFixed(2)} s; writer on b: ${report.acknowledged} acknowledged, ${report.failed} failed; ${cluster.acknowledgedCount() - present} acknowledged lost overall`);
    assert.equal(present, cluster.acknowledgedCount(), "every acknowledged insert, before the crash and during the switchover, is on region a");

    // Region b follows region a: what a acknowledges reaches b.
    const onA = cluster.writer(cluster.urls.primary, 50);
    await sleep(500);
    assert.ok((await onA.stop()).acknowledged > 0, "region a takes writes after the switchover");
    const replicated = await waitFor(async () => (await cluster!.countAcknowledgedPresent(cluster!.urls.replica)) === cluster!.acknowledgedCount(), 10_000, 100);
    assert.ok(replicated, "region b, now a replica of a, holds every acknowledged insert");
  });
});
