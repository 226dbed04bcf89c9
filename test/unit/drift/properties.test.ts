import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ObservationCollector } from "../../../automation/drift/collect";
import { diffProperties, joinPath, MAX_CHANGES_PER_RESOURCE, redactValue } from "../../../automation/drift/properties";
import { pathCovers, pathSegments } from "../../../automation/drift/ignore";
import { classify } from "../../../automation/drift/classify";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2-value" };

describe("drift property paths", () => {
  it("lists leaf differences with dotted and indexed paths, skipping engine-internal keys", () => {
    const before = { __provider: "exports.handler = 1", weights: { blue: 100, green: 0 }, servers: [{ port: 1 }, { port: 2 }], same: "x" };
    const after = { __provider: "exports.handler = 2", weights: { blue: 60, green: 40 }, servers: [{ port: 1 }, { port: 3 }], same: "x", added: true };
    assert.deepEqual(diffProperties(before, after).changes, [
      { path: "added", before: undefined, after: true },
      { path: "servers[1].port", before: 2, after: 3 },
      { path: "weights.blue", before: 100, after: 60 },
      { path: "weights.green", before: 0, after: 40 },
    ]);
  });

  it("arrays of another length and keys with odd characters", () => {
    assert.deepEqual(diffProperties({ a: [1] }, { a: [1, 2] }).changes, [{ path: "a", before: [1], after: [1, 2] }]);
    assert.equal(joinPath("tags", "kubernetes.io/name"), 'tags["kubernetes.io/name"]');
    assert.deepEqual(pathSegments('tags["kubernetes.io/name"].x[2]'), ["tags", "kubernetes.io/name", "x", "2"]);
    assert.ok(pathCovers("tags", 'tags["kubernetes.io/name"]'));
    assert.ok(pathCovers("servers[*].port", "servers[3].port"));
  });

  it("never lets a secret value out: marked secrets, [secret] from the engine, secret-named keys", () => {
    const { changes } = diffProperties(
      { token: "old-token-value", conn: SECRET, note: "[secret]", headers: { "X-Api": "abc-header" } },
      { token: "new-token-value", conn: { ...SECRET, value: "other-value" }, note: "[secret]", headers: { "X-Api": "def-header" } },
    );
    const text = JSON.stringify(changes);
    for (const leaked of ["old-token-value", "new-token-value", "hunter2-value", "other-value", "abc-header", "def-header"]) assert.ok(!text.includes(leaked), `${leaked} leaked: ${text}`);
    assert.deepEqual(changes.map((c) => c.path), ["conn", "headers.X-Api", "token"]);
    assert.ok(changes.every((c) => c.before === "[secret]" && c.after === "[secret]"));
    assert.deepEqual(redactValue({ password: "p", nested: [SECRET], fine: 1, __provider: "code" }), { password: "[secret]", nested: ["[secret]"], fine: 1 });
  });

  it("caps the changes kept per resource and counts the rest", () => {
    const before = Object.fromEntries(Array.from({ length: MAX_CHANGES_PER_RESOURCE + 5 }, (_, i) => [`k${String(i).padStart(3, "0")}`, i]));
    const after = Object.fromEntries(Object.keys(before).map((k) => [k, -1]));
    const { changes, truncated } = diffProperties(before, after);
    assert.equal(changes.length, MAX_CHANGES_PER_RESOURCE);
    assert.equal(truncated, 5);
  });
});

describe("drift event collector", () => {
  const urn = (name: string, type = "pulumi-nodejs:dynamic/local:Workload") => `urn:pulumi:s::switchyard::${type}::${name}`;
  const outputsEvent = (op: string, name: string, old: object | null, next: object | null, type?: string): EngineEvent =>
    ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op, urn: urn(name, type), type: type ?? "pulumi-nodejs:dynamic/local:Workload", provider: "", old: old && { outputs: old }, new: next && { outputs: next } } } }) as unknown as EngineEvent;
  const preEvent = (op: string, name: string, old: object | null, next: object | null, type?: string): EngineEvent =>
    ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op, urn: urn(name, type), type: type ?? "pulumi-nodejs:dynamic/local:Workload", provider: "", old: old && { inputs: old }, new: next && { inputs: next } } } }) as unknown as EngineEvent;

  it("cloud: reads refresh results from outputs events; counts every resource checked", () => {
    const c = new ObservationCollector("cloud");
    c.onEvent(outputsEvent("same", "a", { x: 1 }, { x: 1 }));
    c.onEvent(outputsEvent("update", "b", { x: 1 }, { x: 2 }));
    c.onEvent(outputsEvent("delete", "c", { x: 1 }, null));
    c.onEvent(preEvent("update", "d", { x: 1 }, { x: 2 }));
    c.onEvent(outputsEvent("same", "switchyard-s", {}, {}, "pulumi:pulumi:Stack"));
    assert.deepEqual(c.resources().map((r) => r.name), ["a", "b", "c"]);
    assert.deepEqual(c.observations().map((o) => [o.name, o.op, o.properties.map((p) => p.path)]), [["b", "update", ["x"]], ["c", "delete", []]]);
  });

  it("code: reads the plan from pre events; a replacement is one observation with its diff; default providers are bookkeeping", () => {
    const c = new ObservationCollector("code");
    c.onEvent(preEvent("delete-replaced", "g", { version: "1" }, null));
    c.onEvent(preEvent("replace", "g", { version: "1" }, { version: "2" }));
    c.onEvent(preEvent("create-replacement", "g", { version: "1" }, { version: "2" }));
    c.onEvent(preEvent("update", "default", { "switchyard:traffic": "a" }, { "switchyard:traffic": "b" }, "pulumi:providers:pulumi-nodejs"));
    c.onEvent(preEvent("update", "aws-east", { region: "a" }, { region: "b" }, "pulumi:providers:aws"));
    assert.deepEqual(c.observations().map((o) => [o.name, o.op, o.properties.map((p) => `${p.path}:${p.before}->${p.after}`)]), [
      ["g", "replace", ["version:1->2"]],
      ["aws-east", "update", ["region:a->b"]],
    ]);
  });

  it("kubernetes: what the API server writes itself is never drift; an edit beside it is, alone", () => {
    const route = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
    const object = (weight: number, generation: number, managers: object[]) => ({
      metadata: { name: "r", generation, resourceVersion: String(100 + generation), managedFields: managers, annotations: { "deployment.kubernetes.io/revision": String(generation), team: "a" } },
      spec: { rules: [{ backendRefs: [{ name: "blue", weight }] }] },
      status: { parents: [{ conditions: [{ type: "Accepted", observedGeneration: generation }] }] },
    });
    const c = new ObservationCollector("cloud");
    // Only bookkeeping moved (a controller touched it): no observation at all.
    c.onEvent(outputsEvent("update", "quiet", object(100, 1, [{ manager: "a" }]), object(100, 2, [{ manager: "a" }, { manager: "b" }]), route));
    c.onEvent(outputsEvent("update", "edited", object(100, 1, [{ manager: "a" }]), { ...object(50, 2, [{ manager: "a" }, { manager: "kubectl-edit" }]), metadata: { ...object(50, 2, []).metadata, annotations: { team: "b" } } }, route));
    assert.deepEqual(c.observations().map((o) => [o.name, o.properties.map((p) => p.path)]), [["edited", ['metadata.annotations.team', "spec.rules[0].backendRefs[0].weight"]]]);
    // Another provider's `status` is its own business.
    const other = new ObservationCollector("cloud");
    other.onEvent(outputsEvent("update", "x", { status: "a" }, { status: "b" }, "aws:ec2/instance:Instance"));
    assert.equal(other.observations().length, 1);
  });

  it("a change the engine shows only as redacted secrets is still a change, with a note", () => {
    const c = new ObservationCollector("cloud");
    const hidden = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
    c.onEvent(outputsEvent("update", "vault", { value: hidden }, { value: hidden }));
    const [obs] = c.observations();
    assert.equal(obs!.secretChange, true);
    const [item] = classify([obs!], { rules: [], today: "2026-01-01" });
    assert.equal(item!.class, "drift");
    assert.match(item!.note!, /a secret property changed/);
  });

  it("cloud: a flagged update whose values equal state is not drift (accepted drift, normalisation); code: it is compared with state", () => {
    const cloud = new ObservationCollector("cloud");
    const withInputs = (op: string, old: object, next: object): EngineEvent =>
      ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op, urn: urn("w"), type: "t", provider: "", old: { outputs: old, inputs: { state: "ready" } }, new: { outputs: next } } } }) as unknown as EngineEvent;
    cloud.onEvent(withInputs("update", { state: "maint" }, { state: "maint" }));
    assert.deepEqual(cloud.observations(), []);
    assert.equal(cloud.resources().length, 1);

    const code = new ObservationCollector("code");
    code.onEvent({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op: "update", urn: urn("w"), type: "t", provider: "", old: { inputs: { state: "ready" }, outputs: { state: "maint", extra: 1 } }, new: { inputs: { state: "ready" } } } } } as unknown as EngineEvent);
    assert.deepEqual(code.observations()[0]!.properties, [{ path: "state", before: "maint", after: "ready" }]);
  });
});
