import assert from "node:assert/strict";
import { formatConninfo, invalidStoreUrl, parseConninfo, regionAt } from "../../../components/local/postgres-conninfo";
import { decidePrimary, type PrimaryDecision, type StoreRole } from "../../../components/local/postgres-decision";
import { lsnValue, roleOf } from "../../../components/local/postgres-observe";
import { parseControlData } from "../../../components/local/postgres-server";

const primary: StoreRole = { role: "primary" };
const replicaOf = (of: string | null, streaming = true): StoreRole => ({ role: "replica", of, streaming });
const down: StoreRole = { role: "unreachable", reason: "connect ECONNREFUSED 127.0.0.1:5432" };
const both = new Set(["a", "b"]);

/** The action, and for a refusal its code: what the table pins down. */
const outcome = (d: PrimaryDecision) => (d.action === "refuse" ? `refuse:${d.code}` : d.action === "promote" ? `promote ${d.region}` : d.action === "switchover" ? `switchover ${d.from}->${d.to}` : "none");

describe("data primary: the decision", () => {
  const table: { name: string; desired: string; roles: Record<string, StoreRole>; demotable?: Set<string>; previous?: string; expect: string }[] = [
    { name: "already primary, the other a replica", desired: "a", roles: { a: primary, b: replicaOf("a") }, expect: "none" },
    { name: "already primary, the other down", desired: "a", roles: { a: primary, b: down }, expect: "none" },
    { name: "failover: a replica whose primary is down", desired: "b", roles: { a: down, b: replicaOf("a", false) }, expect: "promote b" },
    { name: "failover: a replica of an unknown server, no primary anywhere", desired: "b", roles: { a: down, b: replicaOf(null, false) }, expect: "promote b" },
    { name: "switchover: an in-sync replica of a reachable primary", desired: "b", roles: { a: primary, b: replicaOf("a") }, expect: "switchover a->b" },
    { name: "switchover without the primary's data dir", desired: "b", roles: { a: primary, b: replicaOf("a") }, demotable: new Set(["b"]), expect: "refuse:no-data-dir" },
    { name: "a replica of the primary that does not stream", desired: "b", roles: { a: primary, b: replicaOf("a", false) }, expect: "refuse:not-streaming" },
    { name: "desired server unreachable", desired: "b", roles: { a: primary, b: down }, expect: "refuse:unreachable" },
    { name: "desired server unreachable, no primary either", desired: "b", roles: { a: down, b: down }, expect: "refuse:unreachable" },
    { name: "failback to an old primary that came back as a primary", desired: "a", roles: { a: primary, b: primary }, previous: "b", expect: "refuse:two-primaries" },
    { name: "the old primary came back as a primary after the failover", desired: "b", roles: { a: primary, b: primary }, previous: "b", expect: "refuse:two-primaries" },
    { name: "failback to a replica of someone else while another is primary", desired: "a", roles: { a: replicaOf(null, false), b: primary }, expect: "refuse:not-a-replica-of-the-primary" },
    { name: "two primaries elsewhere", desired: "c", roles: { a: primary, b: primary, c: replicaOf("a") }, expect: "refuse:two-primaries" },
    { name: "a region that is not a store", desired: "z", roles: { a: primary, b: replicaOf("a") }, expect: "refuse:unknown-region" },
  ];
  for (const row of table) {
    it(`${row.name}: ${row.expect}`, () => {
      assert.equal(outcome(decidePrimary({ desired: row.desired, roles: row.roles, demotable: row.demotable ?? both, previous: row.previous })), row.expect);
    });
  }

  it("a failback refusal says which way to re-seed: the returning region as a replica of the current primary", () => {
    const message = (d: PrimaryDecision) => (d.action === "refuse" ? d.message : "");
    const failback = decidePrimary({ desired: "a", roles: { a: primary, b: primary }, demotable: both, previous: "b" });
    assert.match(message(failback), /two primaries that both took writes.*Re-seed region a's server as a streaming replica of region b first.*pg_basebackup -R/);
    const stray = decidePrimary({ desired: "b", roles: { a: primary, b: primary }, demotable: both, previous: "b" });
    assert.match(message(stray), /re-seed region a's server as a streaming replica of region b first/);
    const unknown = decidePrimary({ desired: "a", roles: { a: primary, b: primary }, demotable: both });
    assert.match(message(unknown), /keep the one whose writes you need/);
    const elsewhere = decidePrimary({ desired: "a", roles: { a: replicaOf(null, false), b: primary }, demotable: both });
    assert.match(message(elsewhere), /two primaries.*Re-seed region a's server as a streaming replica of region b first/);
  });

  it("an unreachable refusal names the field to fix and says nothing was changed", () => {
    const d = decidePrimary({ desired: "b", roles: { a: primary, b: down }, demotable: both });
    assert.match(d.action === "refuse" ? d.message : "", /region b's server cannot be reached \(connect ECONNREFUSED.*nothing was changed.*stores\.b\.url/);
  });
});

describe("data primary: observation helpers", () => {
  const stores = { a: { url: "postgres://u:p@127.0.0.1:5501/postgres" }, b: { url: "postgres://u:p@127.0.0.2:5502/postgres" } };

  it("names a replica's upstream by the store listening there", () => {
    assert.deepEqual(roleOf({ role: "replica", upstream: { host: "127.0.0.2", port: 5502 }, streaming: true, receiveLsn: null, replayLsn: null, primaryConninfo: "" }, stores), replicaOf("b"));
    assert.deepEqual(roleOf({ role: "replica", upstream: { host: "127.0.0.9", port: 5502 }, streaming: false, receiveLsn: null, replayLsn: null, primaryConninfo: "" }, stores), replicaOf(null, false));
    assert.equal(regionAt(stores, { host: "localhost", port: 5501 }), "a");
  });

  it("reads and writes libpq connection strings, quoted values included", () => {
    const text = formatConninfo({ host: "127.0.0.1", port: "5501", password: "it's a \\secret", application_name: "b" });
    assert.deepEqual(parseConninfo(text), { host: "127.0.0.1", port: "5501", password: "it's a \\secret", application_name: "b" });
    assert.deepEqual(parseConninfo("user=replicator password=x host=127.0.0.1 port=5501"), { user: "replicator", password: "x", host: "127.0.0.1", port: "5501" });
  });

  it("accepts loopback postgres URLs only", () => {
    assert.equal(invalidStoreUrl("postgres://u:p@127.0.0.3:5432/postgres"), undefined);
    assert.match(invalidStoreUrl("postgres://u:p@db.example.com:5432/postgres") ?? "", /loopback/);
    assert.match(invalidStoreUrl("mysql://127.0.0.1/x") ?? "", /postgres:\/\//);
  });

  it("orders LSNs by both halves, and reads pg_controldata", () => {
    assert.ok(lsnValue("1/0") > lsnValue("0/FFFFFFFF"));
    assert.ok(lsnValue("0/3000060") > lsnValue("0/3000028"));
    const control = parseControlData("Database cluster state:               shut down\nLatest checkpoint location:           0/3000028\n");
    assert.deepEqual(control, { state: "shut down", checkpointLsn: "0/3000028" });
  });
});
