/** Observations and items as the engine would produce them for the local target. */
import type { DriftItem, Observation } from "../../../automation/drift/model";
import type { RolloutRecord } from "../../../automation/rollout/record";

export const WEIGHTS_TYPE = "pulumi-nodejs:dynamic/local:HaproxyWeights";
export const WORKLOAD_TYPE = "pulumi-nodejs:dynamic/local:Workload";
export const WEIGHTS_URN = `urn:pulumi:prod::switchyard::switchyard:environment:LocalBlueGreenEnvironment$switchyard:traffic:HaproxyTrafficSplit$${WEIGHTS_TYPE}::hello-traffic-weights`;
export const GREEN_URN = `urn:pulumi:prod::switchyard::switchyard:environment:LocalBlueGreenEnvironment$${WORKLOAD_TYPE}::hello-green`;

export function weightsDrift(green: number, blue = 100): Observation {
  return {
    question: "cloud",
    urn: WEIGHTS_URN,
    type: WEIGHTS_TYPE,
    name: "hello-traffic-weights",
    op: "update",
    properties: [
      ...(blue !== 100 ? [{ path: "weights.blue", before: 100, after: blue }] : []),
      { path: "weights.green", before: 0, after: green },
    ],
  };
}

export const maintDrift: Observation = {
  question: "cloud",
  urn: WEIGHTS_URN,
  type: WEIGHTS_TYPE,
  name: "hello-traffic-weights",
  op: "update",
  properties: [{ path: "adminState.green", before: "ready", after: "maint" }],
};

export const greenDeleted: Observation = { question: "cloud", urn: GREEN_URN, type: WORKLOAD_TYPE, name: "hello-green", op: "delete", properties: [] };

export const versionPending: Observation = {
  question: "code",
  urn: GREEN_URN,
  type: WORKLOAD_TYPE,
  name: "hello-green",
  op: "replace",
  properties: [{ path: "version", before: "1.1.0", after: "1.2.0" }],
};

export function item(overrides: Partial<DriftItem>): DriftItem {
  return { class: "drift", source: "cloud", urn: WEIGHTS_URN, type: WEIGHTS_TYPE, resource: "hello-traffic-weights", operation: "update", ...overrides };
}

export function rolloutRecord(overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    id: "r-1",
    stack: "prod",
    service: "hello",
    strategy: "canary",
    stableSlot: "blue",
    canarySlot: "green",
    stableVersion: "1.0.0",
    canaryVersion: "1.1.0",
    plan: [10, 50, 100].map((weight) => ({ kind: "shift" as const, weight, bakeSeconds: 10, analysis: true })),
    prepared: true,
    stepIndex: 0,
    steps: [],
    weights: { blue: 90, green: 10 },
    status: "running",
    priorConfig: {},
    rollbackTriggers: [],
    startedAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}
