import { strict as assert } from "node:assert";
import type { ActionRun } from "../../../automation/dashboard/actions";
import type { DashboardHub, DashboardUpdate } from "../../../automation/dashboard/hub";
import type { PipelineSnapshot } from "../../../automation/dashboard/pipelines";
import { buildApp } from "../../../automation/dashboard/server";
import { hostsFor } from "../../../automation/dashboard/security";
import { rolloutView, type DashboardAction, type StackSnapshot } from "../../../automation/dashboard/view";
import { at, baking } from "../rollout/machine-fixtures";

const TOKEN = "unit-token-0123456789";
const PORT = 7450;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const COOKIE = `switchyard_dashboard_${PORT}=${TOKEN}`;

function snapshotOf(stack: string, rolloutId = "r-1"): StackSnapshot {
  return {
    stack,
    readAt: new Date(at(0)).toISOString(),
    rollout: rolloutView({ ...baking(1, 0), id: rolloutId, stack }, { "error-share": { max: 0.01 } }, at(5)),
    releases: { value: [] },
    metrics: { error: "ledger unreadable: corrupt document" },
    drift: { value: undefined },
  };
}

function fixture(options: { readOnly?: boolean } = {}) {
  const snapshots = new Map([["local", snapshotOf("local")]]);
  const listeners = new Set<(u: DashboardUpdate) => void>();
  const pipelines: PipelineSnapshot[] = [{ name: "local", readAt: "now" }];
  const hub = {
    snapshots: () => [...snapshots.values()],
    pipelineSnapshots: () => pipelines,
    snapshot: (stack: string) => snapshots.get(stack),
    subscribe: (l: (u: DashboardUpdate) => void) => (listeners.add(l), () => listeners.delete(l)),
    poke: async () => {},
  } as unknown as DashboardHub;
  const started: { stack: string; action: DashboardAction }[] = [];
  const app = buildApp({
    hub,
    guard: { token: TOKEN, hosts: hostsFor("127.0.0.1", PORT) },
    readOnly: options.readOnly ?? false,
    host: "127.0.0.1",
    port: PORT,
    boundPort: () => PORT,
    runs: [] as ActionRun[],
    startAction: (stack, action) => {
      started.push({ stack, action });
      return { id: "1", stack, action, command: `switchyard ${action} --stack ${stack}`, pid: 1, log: "/dev/null", startedAt: "now" };
    },
  });
  const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => app.request(`${ORIGIN}${path}`, { ...init, headers: { host: `127.0.0.1:${PORT}`, ...init.headers } });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, { method: "POST", body: JSON.stringify(body), headers: { cookie: COOKIE, origin: ORIGIN, "content-type": "application/json", "x-switchyard-token": TOKEN, ...headers } });
  return { app, request, post, started, snapshots, listeners };
}

describe("dashboard server", () => {
  it("the printed address sets a cookie for this port and drops the token from the address", async () => {
    const { request } = fixture();
    const res = await request(`/?token=${TOKEN}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/");
    assert.match(res.headers.get("set-cookie") ?? "", new RegExp(`switchyard_dashboard_${PORT}=${TOKEN}; .*HttpOnly; SameSite=Strict`));
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  });

  it("the page: every stack's summary without JavaScript, the buttons of the rollout, a strict content policy", async () => {
    const { request } = fixture();
    const res = await request("/", { headers: { cookie: COOKIE } });
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<h2>local <span class="verdict unknown">unknown<\/span><\/h2>/, "status not read yet is never shown as healthy");
    assert.match(page, /Rollout in progress/);
    assert.match(page, /step 2\/3 baking/);
    assert.match(page, /cannot read the ledger: ledger unreadable/, "a part that cannot be read says so");
    for (const action of ["pause", "promote", "promote-full", "abort"]) assert.match(page, new RegExp(`data-action="${action}" data-rollout="r-1" disabled`));
    assert.doesNotMatch(page, /data-action="resume"/);
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.doesNotMatch(page, /<script>(?!<)/, "no inline script runs (the content policy forbids it)");
  });

  it("no token and a wrong token: refused, no data", async () => {
    const { request } = fixture();
    for (const [path, headers] of [["/", {}], ["/api/snapshot", {}], ["/api/events", {}], ["/?token=guess", {}], ["/api/snapshot", { cookie: `switchyard_dashboard_${PORT}=guess` }]] as const) {
      const res = await request(path, { headers });
      assert.equal(res.status, 401, path);
      assert.doesNotMatch(await res.text(), /r-1/);
    }
  });

  it("a button: the command is started once, for the rollout the page showed", async () => {
    const { post, started } = fixture();
    const res = await post("/api/stacks/local/actions/pause", { confirm: "local", rollout: "r-1" });
    assert.equal(res.status, 202, await res.clone().text());
    assert.deepEqual(started, [{ stack: "local", action: "pause" }]);
    assert.equal(((await res.json()) as { run: { command: string } }).run.command, "switchyard pause --stack local");
  });

  const refused: [string, string, unknown, Record<string, string>, number, RegExp][] = [
    ["no token in the header", "pause", { confirm: "local", rollout: "r-1" }, { "x-switchyard-token": "" }, 401, /x-switchyard-token/],
    ["a wrong token", "pause", { confirm: "local", rollout: "r-1" }, { "x-switchyard-token": "guess" }, 401, /x-switchyard-token/],
    ["no cookie", "abort", { confirm: "local", rollout: "r-1" }, { cookie: "" }, 401, /token/],
    ["a cross-origin POST", "abort", { confirm: "local", rollout: "r-1" }, { origin: "http://evil.example" }, 403, /cross-origin/],
    ["a form post", "abort", { confirm: "local", rollout: "r-1" }, { "content-type": "application/x-www-form-urlencoded" }, 400, /JSON/],
    ["no confirmation", "abort", { rollout: "r-1" }, {}, 400, /confirm/],
    ["the wrong stack confirmed", "abort", { confirm: "prod", rollout: "r-1" }, {}, 400, /confirm must be the stack's name "local"/],
    ["another rollout than the one shown", "abort", { confirm: "local", rollout: "r-0" }, {}, 409, /does not apply now: rollout r-1 is running/],
    ["an action that does not apply (resume while running)", "resume", { confirm: "local", rollout: "r-1" }, {}, 409, /resume does not apply now/],
    ["an unknown action", "destroy", { confirm: "local", rollout: "r-1" }, {}, 404, /unknown action/],
  ];
  for (const [name, action, body, headers, status, message] of refused) {
    it(`a button refused: ${name} (${status}); nothing started`, async () => {
      const { post, started } = fixture();
      const res = await post(`/api/stacks/local/actions/${action}`, body, headers);
      assert.equal(res.status, status);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, message);
      assert.deepEqual(started, []);
    });
  }

  it("--read-only: no buttons, no token in the page, actions refused", async () => {
    const { request, post, started } = fixture({ readOnly: true });
    const page = await (await request("/", { headers: { cookie: COOKIE } })).text();
    assert.doesNotMatch(page, /<button/);
    assert.doesNotMatch(page, new RegExp(TOKEN));
    const res = await post("/api/stacks/local/actions/pause", { confirm: "local", rollout: "r-1" });
    assert.equal(res.status, 403);
    assert.deepEqual(started, []);
  });

  it("the event stream sends each stack's summary at once and again when it changes", async () => {
    const { request, listeners } = fixture();
    const res = await request("/api/events", { headers: { cookie: COOKIE } });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil(/event: stack\ndata: .*"stack":"local"/);
    assert.match(text, /event: pipeline\ndata: .*pipeline local .*never run/, "pipelines come with the stacks");
    assert.match(text, /"timeline":\{"id":"r-1"/);
    for (const l of listeners) l({ kind: "stack", snapshot: snapshotOf("local", "r-2") });
    await readUntil(/"id":"r-2"/);
    await reader.cancel();
  });
});
