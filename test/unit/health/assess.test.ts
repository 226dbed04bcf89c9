import assert from "node:assert/strict";
import { assessHealth, describeFinding } from "../../../automation/health/assess";
import type { Answer, Observations } from "../../../automation/health/model";

const blueOk: Answer = { status: 200, slot: "blue", version: "1.0.0" };
const greenOk: Answer = { status: 200, slot: "green", version: "1.1.0" };
const refused: Answer = { error: "ECONNREFUSED" };
const up = { status: "UP", weight: 100 };
const upIdle = { status: "UP", weight: 0 };
const alive = (pid: number) => ({ process: { pid, alive: true }, answer: { status: 200, version: pid === 11 ? "1.0.0" : "1.1.0" } as Answer });

/** A healthy local stack: all traffic on blue, green idle, everything up. */
function local(overrides: Partial<Observations> = {}): Observations {
  return {
    target: "local",
    endpoint: { url: "http://127.0.0.1:18080/", answers: [blueOk, blueOk, blueOk, blueOk] },
    declared: { weights: { blue: 100, green: 0 }, versions: { blue: "1.0.0", green: "1.1.0" }, running: ["blue", "green"] },
    answersNameSlot: true,
    proxy: { servers: { blue: up, green: upIdle } },
    proxyProcess: { pid: 10, alive: true },
    workloads: { blue: alive(11), green: alive(12) },
    liveWeights: { blue: 100, green: 0 },
    engine: { lockChecked: true, pending: [] },
    ...overrides,
  };
}

const names = { context: "ctx", namespace: "apps", deployments: { blue: "hello-blue", green: "hello-green" }, services: { blue: "hello-blue", green: "hello-green" }, route: "hello-traffic" };
const deployment = (tag: string, replicas = 2, ready = replicas) => ({ replicas, ready, image: `ghcr.io/s/hello:${tag}` });

/** A healthy Kubernetes stack: all traffic on blue, both slots' Deployments ready, read back from the API server. */
function kube(overrides: Partial<Observations> = {}, kubernetes: Partial<NonNullable<Observations["kubernetes"]>> = {}): Observations {
  return {
    target: "kubernetes",
    endpoint: { url: "http://hello.example.com/healthz", answers: [blueOk, blueOk] },
    declared: { weights: { blue: 100, green: 0 }, versions: { blue: "1.0.0", green: "1.1.0" }, running: ["blue", "green"] },
    answersNameSlot: false,
    liveWeights: { blue: 100, green: 0 },
    capacities: { blue: 2, green: 2 },
    kubernetes: {
      names,
      deployments: { blue: deployment("1.0.0"), green: deployment("1.1.0") },
      services: { blue: true, green: true },
      routeAccepted: { status: "True", reason: "Accepted" },
      ...kubernetes,
    },
    engine: { lockChecked: true, pending: [] },
    ...overrides,
  };
}

interface Row {
  readonly name: string;
  readonly obs: Observations;
  readonly verdict: "healthy" | "degraded" | "down";
  /** Each must match one problem's "subject: message". */
  readonly problems?: readonly RegExp[];
  readonly notes?: readonly RegExp[];
}

const rows: Row[] = [
  { name: "everything answers as declared", obs: local(), verdict: "healthy" },
  { name: "HAProxy's configuration on disk as declared", obs: local({ proxyConfig: { path: "/run/haproxy.cfg", found: "as-declared" } }), verdict: "healthy" },
  {
    name: "HAProxy's configuration edited on disk: serves now, a reload would not",
    obs: local({ proxyConfig: { path: "/run/haproxy.cfg", found: "differs" } }),
    verdict: "degraded",
    problems: [/^haproxy: HAProxy's configuration \/run\/haproxy\.cfg differs from what the stack declares: the next reload or restart would serve it/],
  },
  {
    name: "HAProxy's configuration deleted",
    obs: local({ proxyConfig: { path: "/run/haproxy.cfg", found: "missing" } }),
    verdict: "degraded",
    problems: [/^haproxy: HAProxy's configuration \/run\/haproxy\.cfg is gone/],
  },
  {
    name: "HAProxy killed: nothing answers, the runtime API is gone",
    obs: local({ endpoint: { url: "http://127.0.0.1:18080/", answers: [refused, refused] }, proxy: { error: "connect ENOENT /tmp/x.sock" }, proxyProcess: { pid: 10, alive: false }, liveWeights: undefined }),
    verdict: "down",
    problems: [/^endpoint: .* gave no good answer: 2× no answer \(ECONNREFUSED\)/, /^haproxy: HAProxy \(pid 10\) is not running/, /^haproxy: HAProxy's runtime API cannot be read/],
  },
  {
    name: "serving workload killed: HAProxy answers 503",
    obs: local({
      endpoint: { url: "u", answers: [{ status: 503 }, { status: 503 }] },
      proxy: { servers: { blue: { status: "DOWN", weight: 100 }, green: upIdle } },
      workloads: { blue: { process: { pid: 11, alive: false } }, green: alive(12) },
    }),
    verdict: "down",
    problems: [/^endpoint: u gave no good answer: 2× HTTP 503/, /^blue: HAProxy reports blue's server DOWN: it should serve traffic/, /^blue: workload blue \(pid 11\) is not running/],
  },
  {
    name: "idle workload killed: users are served, a rollback would fail",
    obs: local({ proxy: { servers: { blue: up, green: { status: "DOWN", weight: 0 } } }, workloads: { blue: alive(11), green: { process: { pid: 12, alive: false } } } }),
    verdict: "degraded",
    problems: [/^green: HAProxy reports green's server DOWN: a rollback or the next release needs it/, /^green: workload green \(pid 12\) is not running/],
  },
  {
    name: "a workload that state no longer records (a refresh dropped it)",
    obs: local({ workloads: { blue: alive(11), green: { process: { alive: false } } } }),
    verdict: "degraded",
    problems: [/^green: state records no workload process for green/],
  },
  {
    name: "some requests fail",
    obs: local({ endpoint: { url: "u", answers: [blueOk, { status: 500, slot: "blue" }, blueOk, blueOk] } }),
    verdict: "degraded",
    problems: [/^endpoint: u: 1 of 4 requests failed \(1× HTTP 500\)/],
  },
  {
    name: "answers from the slot state gives no traffic",
    obs: local({ endpoint: { url: "u", answers: [greenOk] }, liveWeights: { blue: 0, green: 100 } }),
    verdict: "degraded",
    problems: [/^endpoint: u answered from green, which state gives no traffic \(blue 100% \/ green 0%\)/, /^weights: the data plane serves blue 0% \/ green 100%, state records blue 100% \/ green 0%/],
  },
  {
    name: "the serving slot answers another version than state records",
    obs: local({ endpoint: { url: "u", answers: [{ status: 200, slot: "blue", version: "0.9.0" }] } }),
    verdict: "degraded",
    problems: [/^endpoint: u answered from blue with version 0.9.0, state records 1.0.0/],
  },
  {
    name: "an answer that does not name its slot, where answers must",
    obs: local({ endpoint: { url: "u", answers: [{ status: 200 }] } }),
    verdict: "degraded",
    problems: [/without naming its slot/],
  },
  {
    name: "a workload process that runs but does not answer",
    obs: local({ workloads: { blue: alive(11), green: { process: { pid: 12, alive: true }, answer: refused, url: "http://g" } } }),
    verdict: "degraded",
    problems: [/^green: workload green does not answer on http:\/\/g: 1× no answer \(ECONNREFUSED\)/],
  },
  {
    name: "a server in maintenance that should be ready",
    obs: local({ proxy: { servers: { blue: up, green: { status: "MAINT", weight: 0 } } } }),
    verdict: "degraded",
    problems: [/^green: HAProxy reports green's server MAINT/],
  },
  {
    name: "scaled-down slot: its server is DOWN, as declared",
    obs: local({
      declared: { weights: { blue: 100, green: 0 }, versions: { blue: "1.0.0", green: "1.1.0" }, running: ["blue"] },
      proxy: { servers: { blue: up, green: { status: "DOWN", weight: 0 } } },
      workloads: { blue: alive(11) },
    }),
    verdict: "healthy",
  },
  {
    name: "scaled-down slot that HAProxy still sends traffic to",
    obs: local({
      declared: { weights: { blue: 100, green: 0 }, versions: { blue: "1.0.0" }, running: ["blue"] },
      proxy: { servers: { blue: up, green: { status: "DOWN", weight: 20 } } },
      workloads: { blue: alive(11) },
    }),
    verdict: "degraded",
    problems: [/^green: green is scaled down, yet HAProxy gives its server weight 20/],
  },
  {
    name: "live weights differ from state outside a rollout",
    obs: local({ liveWeights: { blue: 50, green: 50 } }),
    verdict: "degraded",
    problems: [/^weights: the data plane serves blue 50% \/ green 50%, state records blue 100% \/ green 0%/],
  },
  {
    name: "live weights are a split the rollout has in flight (its step update is under way)",
    obs: local({ liveWeights: { blue: 50, green: 50 }, rollout: { id: "r-1", inFlight: [{ blue: 100, green: 0 }, { blue: 50, green: 50 }] }, endpoint: { url: "u", answers: [blueOk, greenOk] } }),
    verdict: "healthy",
    notes: [/^weights: the data plane serves blue 50% \/ green 50%, state records blue 100% \/ green 0%: rollout r-1 has that split in flight/],
  },
  {
    name: "live weights a rollout does not explain",
    obs: local({ liveWeights: { blue: 0, green: 100 }, rollout: { id: "r-1", inFlight: [{ blue: 100, green: 0 }, { blue: 50, green: 50 }] } }),
    verdict: "degraded",
    problems: [/^weights: the data plane serves blue 0% \/ green 100%, state records/],
  },
  {
    name: "mid-rollout split, state and data plane agree",
    obs: local({
      declared: { weights: { blue: 50, green: 50 }, versions: { blue: "1.0.0", green: "1.1.0" }, running: ["blue", "green"] },
      endpoint: { url: "u", answers: [blueOk, greenOk, blueOk, greenOk] },
      proxy: { servers: { blue: { status: "UP", weight: 50 }, green: { status: "UP", weight: 50 } } },
      liveWeights: { blue: 50, green: 50 },
    }),
    verdict: "healthy",
  },
  {
    name: "a stale engine lock and an interrupted update are mentioned, the verdict is what serves",
    obs: local({ engine: { lock: { holder: "root@vm pid 42", stale: true }, lockChecked: true, pending: ["updating traffic (t) never finished"] } }),
    verdict: "healthy",
    notes: [/^engine: a stale engine lock is left by root@vm pid 42, which no longer runs \(switchyard recover --stack s\)/, /^engine: the last update was interrupted: updating traffic/],
  },
  {
    name: "a live update holds the lock",
    obs: local({ engine: { lock: { holder: "root@vm pid 42", stale: false }, lockChecked: true, pending: [] } }),
    verdict: "healthy",
    notes: [/^engine: an engine update holds the stack's lock: root@vm pid 42/],
  },
  {
    name: "HAProxy outputs missing: cannot read, so not healthy",
    obs: local({ proxy: { error: "the stack outputs name no HAProxy runtime API" }, liveWeights: undefined }),
    verdict: "degraded",
    problems: [/^haproxy: HAProxy's runtime API cannot be read/],
  },
  {
    name: "no endpoint output: cannot show it serves",
    obs: local({ endpoint: undefined }),
    verdict: "degraded",
    problems: [/^endpoint: the stack has no endpoint output/],
  },
  {
    name: "cloud: the health endpoint answers; weights not read back is a note",
    obs: { target: "aws", endpoint: { url: "http://lb/healthz", answers: [{ status: 200 }, { status: 204 }] }, declared: { weights: { blue: 100, green: 0 }, versions: {}, running: ["blue", "green"] }, answersNameSlot: false, engine: { lockChecked: false, pending: [] } },
    verdict: "healthy",
    notes: [/^weights: live weights are not read back on aws/, /^engine: the engine's lock cannot be read on this backend/],
  },
  {
    name: "cloud: the health endpoint fails",
    obs: { target: "gcp", endpoint: { url: "http://lb/healthz", answers: [{ status: 502 }, refused] }, declared: { weights: { blue: 0, green: 100 }, versions: {}, running: ["blue", "green"] }, answersNameSlot: false, engine: { lockChecked: true, pending: [] } },
    verdict: "down",
    problems: [/^endpoint: http:\/\/lb\/healthz gave no good answer: 1× HTTP 502, 1× no answer \(ECONNREFUSED\)/],
  },
  { name: "kubernetes: every object as declared, weights read back from the route", obs: kube(), verdict: "healthy" },
  {
    name: "kubernetes: the idle slot scaled down by the driver",
    obs: kube({ capacities: { blue: 2, green: 0 } }, { deployments: { blue: deployment("1.0.0"), green: deployment("1.1.0", 0) } }),
    verdict: "healthy",
  },
  {
    name: "kubernetes: the serving slot's Deployment deleted",
    obs: kube({ endpoint: { url: "http://h/healthz", answers: [{ status: 503 }] } }, { deployments: { blue: null, green: deployment("1.1.0") } }),
    verdict: "down",
    problems: [/^endpoint: /, /^blue: the Deployment apps\/hello-blue is gone from the cluster: it should serve 100% of traffic \(`switchyard drift --fix revert` \(or deploy\) recreates it\)/],
  },
  {
    name: "kubernetes: the idle slot's Service deleted",
    obs: kube({}, { services: { blue: true, green: false } }),
    verdict: "degraded",
    problems: [/^green: the Service apps\/hello-green is gone from the cluster: a rollback or the next release needs it/],
  },
  {
    name: "kubernetes: the route's weights edited by hand",
    obs: kube({ liveWeights: { blue: 50, green: 50 } }),
    verdict: "degraded",
    problems: [/^weights: the data plane serves blue 50% \/ green 50%, state records blue 100% \/ green 0%/],
  },
  {
    name: "kubernetes: the route is gone (its weights cannot be read)",
    obs: kube({ liveWeights: undefined, liveWeightsError: "the HTTPRoute apps/hello-traffic does not exist" }, { routeAccepted: undefined }),
    verdict: "degraded",
    problems: [/^weights: the live weights cannot be read: the HTTPRoute apps\/hello-traffic does not exist/],
  },
  {
    name: "kubernetes: an image set by hand, replicas scaled by hand, pods not ready",
    obs: kube({}, { deployments: { blue: deployment("6.6.6"), green: { ...deployment("1.1.0", 5, 3) } } }),
    verdict: "degraded",
    problems: [/^blue: the Deployment apps\/hello-blue runs ghcr.io\/s\/hello:6\.6\.6, state records version 1\.0\.0/, /^green: the Deployment apps\/hello-green asks for 5 replicas, state records 2/, /^green: the Deployment apps\/hello-green has 3 of 5 replicas ready/],
  },
  {
    name: "kubernetes: a serving slot with no ready replica",
    obs: kube({}, { deployments: { blue: deployment("1.0.0", 2, 0), green: deployment("1.1.0") } }),
    verdict: "degraded",
    problems: [/^blue: the Deployment apps\/hello-blue has no ready replica, yet it should serve 100% of traffic/],
  },
  {
    name: "kubernetes: the Gateway refused the route",
    obs: kube({}, { routeAccepted: { status: "False", reason: "NoMatchingParent", message: "Gateway gateway-system/public does not exist" } }),
    verdict: "degraded",
    problems: [/^route: the Gateway has not accepted the HTTPRoute apps\/hello-traffic \(NoMatchingParent: Gateway gateway-system\/public does not exist\)/],
  },
  {
    name: "kubernetes: the API server cannot be read",
    obs: kube({ liveWeights: undefined, liveWeightsError: "connect ECONNREFUSED" }, { error: "connect ECONNREFUSED", deployments: {}, services: {} }),
    verdict: "degraded",
    problems: [/^kubernetes: the Kubernetes API server cannot be read, so the Deployments and Services are not checked: connect ECONNREFUSED \(check KUBECONFIG and the context "ctx"\)/],
  },
];

describe("health: assessHealth", () => {
  for (const row of rows) {
    it(`${row.name} → ${row.verdict}`, () => {
      const result = assessHealth(row.obs, "s");
      const lines = (findings: readonly Parameters<typeof describeFinding>[0][]) => findings.map(describeFinding);
      assert.equal(result.verdict, row.verdict, JSON.stringify(result, null, 2));
      const problems = lines(result.problems);
      for (const pattern of row.problems ?? []) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} not in ${JSON.stringify(problems, null, 2)}`);
      if (row.verdict === "healthy") assert.deepEqual(problems, []);
      else assert.ok(problems.length > 0);
      const notes = lines(result.notes);
      for (const pattern of row.notes ?? []) assert.ok(notes.some((n) => pattern.test(n)), `${pattern} not in ${JSON.stringify(notes, null, 2)}`);
    });
  }

  it("puts the problem that takes the service down first", () => {
    const result = assessHealth(rows.find((row) => row.name.startsWith("HAProxy killed"))!.obs);
    assert.equal(result.problems[0]!.level, "down");
    assert.equal(result.problems[0]!.subject, "endpoint");
  });
});
