import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readLiveWeights } from "../../../automation/routers/data-plane";
import { trafficMechanism } from "../../../components/traffic/mechanisms";
import { MECHANISM_KINDS, UnknownMechanismError, type MechanismKind, type MechanismLimits } from "../../../model/mechanism";
import type { Weights } from "../../../model/weights";

const w = (blue: number): Weights => ({ blue, green: 100 - blue });

describe("traffic mechanisms: native mapping and limits", () => {
  // [kind, label, limits, native of 90/10, native of 0/100]
  const table: [MechanismKind, string, MechanismLimits, unknown, unknown][] = [
    ["aws-alb", "AWS ALB forward", { min: 0, max: 999, zeroAllowed: true, maxEntries: 5, implicit: 1 }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
    ["aws-route53", "Route 53 weighted record", { min: 0, max: 255, zeroAllowed: true }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
    ["gcp-url-map", "GCP URL map", { min: 0, max: 1000, zeroAllowed: true }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
    ["gcp-cloud-run", "Cloud Run traffic", { min: 0, max: 100, zeroAllowed: true, sumTo: 100 }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
    [
      "azure-traffic-manager",
      "Azure Traffic Manager",
      { min: 1, max: 1000, zeroAllowed: false },
      { blue: { weight: 90, endpointStatus: "Enabled" }, green: { weight: 10, endpointStatus: "Enabled" } },
      { blue: { weight: 1, endpointStatus: "Disabled" }, green: { weight: 100, endpointStatus: "Enabled" } },
    ],
    [
      "azure-front-door",
      "Azure Front Door origin",
      { min: 1, max: 1000, zeroAllowed: false },
      { blue: { weight: 90, enabledState: "Enabled" }, green: { weight: 10, enabledState: "Enabled" } },
      { blue: { weight: 1, enabledState: "Disabled" }, green: { weight: 100, enabledState: "Enabled" } },
    ],
    ["k8s-http-route", "Gateway API HTTPRoute", { min: 0, max: 1_000_000, zeroAllowed: true, implicit: 1 }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
    ["local-haproxy", "local HAProxy", { min: 0, max: 100, zeroAllowed: true, sumTo: 100 }, { blue: 90, green: 10 }, { blue: 0, green: 100 }],
  ];
  for (const [kind, label, limits, at90, at0] of table) {
    it(`${kind}: ${label}, ${limits.min}..${limits.max}`, () => {
      const m = trafficMechanism(kind);
      assert.equal(m.kind, kind);
      assert.equal(m.label, label);
      assert.deepEqual(m.limits, limits);
      assert.deepEqual(m.toNative(w(90)), at90);
      assert.deepEqual(m.toNative(w(0)), at0);
    });
  }

  it("k8s-service-switch: all-or-nothing, a split in between is refused", () => {
    const m = trafficMechanism("k8s-service-switch");
    assert.equal(m.limits.allOrNothing, true);
    assert.equal(m.toNative(w(100)), "blue");
    assert.equal(m.toNative(w(0)), "green");
    assert.throws(() => m.toNative(w(90)), /all-or-nothing, got blue 90 \/ green 10/);
  });

  /** The native numbers of a mapping: plain weights, or the `weight` of enabled entries. */
  const nativeNumbers = (native: unknown): { value: number; enabled: boolean }[] =>
    Object.values(native as Record<string, unknown>).map((v) =>
      typeof v === "number" ? { value: v, enabled: true } : { value: (v as { weight: number }).weight, enabled: !Object.values(v as object).includes("Disabled") },
    );

  for (const kind of MECHANISM_KINDS.filter((k) => k !== "k8s-service-switch")) {
    it(`${kind}: every valid split maps inside the declared limits and keeps its shares`, () => {
      const m = trafficMechanism(kind);
      for (let blue = 0; blue <= 100; blue++) {
        const numbers = nativeNumbers(m.toNative(w(blue)));
        for (const n of numbers) {
          assert.ok(Number.isInteger(n.value) && n.value >= m.limits.min && n.value <= m.limits.max, `${kind} ${blue}/${100 - blue}: ${n.value} outside ${m.limits.min}..${m.limits.max}`);
          if (!m.limits.zeroAllowed) assert.notEqual(n.value, 0);
        }
        const served = numbers.map((n) => (n.enabled ? n.value : 0));
        if (m.limits.sumTo !== undefined) assert.equal(served[0]! + served[1]!, m.limits.sumTo);
        // Relative weights: the served shares are the percentages asked for.
        assert.equal(Math.round((100 * served[0]!) / (served[0]! + served[1]!)), blue);
      }
    });
  }
});

describe("traffic mechanisms: the factory", () => {
  it("gives every kind its own mechanism", () => {
    const all = MECHANISM_KINDS.map((kind) => trafficMechanism(kind));
    assert.deepEqual(all.map((m) => m.kind), [...MECHANISM_KINDS]);
    assert.equal(new Set(all).size, MECHANISM_KINDS.length);
  });

  it("throws on a kind it does not know, naming the known ones; never falls back", () => {
    assert.throws(
      () => trafficMechanism("aws-nlb"),
      (error: unknown) => error instanceof UnknownMechanismError && /unknown traffic mechanism "aws-nlb"; known: aws-alb, .*local-haproxy/.test(error.message) && !!error.fix,
    );
  });
});

describe("traffic mechanisms: read-back", () => {
  let dir: string;
  let server: Server | undefined;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-mech-"))));
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for HAProxy's runtime API: answers `show servers state` with blue and green. */
  async function fakeRuntimeApi(blue: { weight: number; admin: number }, green: { weight: number; admin: number }): Promise<string> {
    const socket = path.join(dir, `api-${Math.random().toString(36).slice(2)}.sock`);
    const header = "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port";
    const line = (id: number, name: string, s: { weight: number; admin: number }) => `3 be_hello ${id} ${name} 127.0.0.1 2 ${s.admin} ${s.weight} 0 1 6 3 4 6 0 0 0 - 1810${id} - 0 0 - - 0`;
    const answer = ["1", header, line(1, "blue", blue), line(2, "green", green), ""].join("\n");
    server = createServer((conn) => conn.once("data", () => conn.end(answer)));
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    return socket;
  }

  it("local-haproxy reads what HAProxy serves; a server in maintenance serves 0", async () => {
    const socket = await fakeRuntimeApi({ weight: 90, admin: 0 }, { weight: 10, admin: 1 });
    assert.deepEqual(await trafficMechanism("local-haproxy").readBack({ trafficSocket: socket, trafficBackend: "be_hello" }), { blue: 90, green: 0 });
  });

  it("local-haproxy cannot tell without the socket and backend in the outputs", async () => {
    assert.equal(await trafficMechanism("local-haproxy").readBack({ target: "local" }), undefined);
  });

  for (const kind of MECHANISM_KINDS.filter((k) => k !== "local-haproxy" && !k.startsWith("k8s-"))) {
    it(`${kind} cannot read back from here: undefined, never the outputs' weights`, async () => {
      assert.equal(await trafficMechanism(kind).readBack({ weights: { blue: 50, green: 50 }, endpoint: "http://x" }), undefined);
    });
  }

  for (const kind of MECHANISM_KINDS.filter((k) => k.startsWith("k8s-"))) {
    it(`${kind} reads the API server (kubernetes-read-back.test.ts); without the stack's kubernetes output it cannot tell, never the outputs' weights`, async () => {
      assert.equal(await trafficMechanism(kind).readBack({ weights: { blue: 50, green: 50 }, endpoint: "http://x" }), undefined);
    });
  }

  it("the driver's read-back asks the mechanism the stack exports", async () => {
    const socket = await fakeRuntimeApi({ weight: 25, admin: 0 }, { weight: 75, admin: 0 });
    assert.deepEqual(await readLiveWeights({ trafficMechanism: "local-haproxy", trafficSocket: socket, trafficBackend: "be_hello" }), { blue: 25, green: 75 });
    assert.equal(await readLiveWeights({ trafficMechanism: "aws-alb", weights: { blue: 25, green: 75 } }), undefined);
    // A stack deployed before it exported its mechanism: not verified, rather than guessed.
    assert.equal(await readLiveWeights({ target: "local", trafficSocket: socket, trafficBackend: "be_hello" }), undefined);
    await assert.rejects(readLiveWeights({ trafficMechanism: "carrier-pigeon" }), UnknownMechanismError);
  });
});
