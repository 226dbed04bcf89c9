/** Faults that state already records are drift in the cloud question (the local target's rules). */
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { localFaults } from "../../../components/local/faults";
import { classify } from "../../../automation/drift/classify";
import { ObservationCollector } from "../../../automation/drift/collect";

const WORKLOAD = "pulumi-nodejs:dynamic/local:Workload";
const healthyWorkload = { version: "1.1.0", slot: "green", process: "running", listening: true, answers: { version: "1.1.0", slot: "green" } };

describe("recorded faults", () => {
  const table: [string, string, Record<string, unknown>, string[]][] = [
    ["healthy workload", WORKLOAD, healthyWorkload, []],
    ["workload from before read-back (no read-back keys)", WORKLOAD, { version: "1.1.0", slot: "green" }, []],
    ["workload gone", WORKLOAD, { ...healthyWorkload, process: "gone", listening: false, answers: null }, ["process", "listening", "answers"]],
    ["workload stopped", WORKLOAD, { ...healthyWorkload, process: "stopped", answers: null }, ["process", "answers"]],
    ["HAProxy config deleted", "pulumi-nodejs:dynamic/local:HaproxyInstance", { process: "running", listening: true, configDigest: "missing" }, ["configDigest"]],
    ["HAProxy frontend disabled", "pulumi-nodejs:dynamic/local:HaproxyInstance", { process: "running", listening: false, configDigest: "abc" }, ["listening"]],
    ["weights without HAProxy", "pulumi-nodejs:dynamic/local:HaproxyWeights", { instancePid: 0 }, ["instancePid"]],
    ["weights with HAProxy", "pulumi-nodejs:dynamic/local:HaproxyWeights", { instancePid: 4242 }, []],
    ["a type without rules", "aws:lb/listener:Listener", { process: "gone" }, []],
  ];
  for (const [name, type, outputs, paths] of table) {
    it(name, () => assert.deepEqual(localFaults(type, outputs).map((f) => f.path), paths));
  }

  it("a refresh that finds state unchanged but recording a fault yields drift items naming the property", () => {
    const cloud = new ObservationCollector("cloud");
    const urn = `urn:pulumi:s::switchyard::${WORKLOAD}::hello-green`;
    const gone = { ...healthyWorkload, process: "gone", listening: false, answers: null };
    cloud.onEvent({ resOutputsEvent: { metadata: { op: "same", urn, type: WORKLOAD, old: { outputs: gone }, new: { outputs: gone } } } } as unknown as EngineEvent);
    const items = classify(cloud.observations(), { rules: [], today: "2026-11-29" });
    assert.deepEqual(items.map((i) => [i.class, i.property, i.declared_value, i.found_value]), [
      ["drift", "process", "running", "gone"],
      ["drift", "listening", true, false],
      ["drift", "answers", { version: "1.1.0", slot: "green" }, null],
    ]);
    assert.match(items[0]!.note ?? "", /state already records this fault/);
  });
});
