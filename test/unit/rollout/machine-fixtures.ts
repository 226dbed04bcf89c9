/** Records and events for stepping the rollout machine by hand, one event at a time. */
import type { AnalysisRun, Phase } from "../../../automation/analysis/types";
import { next } from "../../../automation/rollout/machine";
import type { DriverId, Effect, MachineEvent, Transition } from "../../../automation/rollout/machine-types";
import { planRollout } from "../../../model/config/plan";
import type { RolloutRecord } from "../../../automation/rollout/record";

export const T0 = Date.parse("2026-11-28T10:00:00Z");
export const at = (seconds: number) => T0 + seconds * 1000;
export const iso = (seconds: number) => new Date(at(seconds)).toISOString();
/** Another host than this one, so that ownerAlive judges it by its heartbeat alone. */
export const SELF: DriverId = { host: "driver-a.example", pid: 4242 };
export const OTHER: DriverId = { host: "driver-b.example", pid: 777 };

export function record(over: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    id: "r-1",
    stack: "prod",
    service: "hello",
    strategy: "canary",
    stableSlot: "blue",
    canarySlot: "green",
    stableVersion: "1.0.0",
    canaryVersion: "1.1.0",
    plan: planRollout({ strategy: "canary", steps: [10, 50, 100], bakeSeconds: 30 }).map((s) => ({ ...s, analysis: true })),
    prepared: true,
    stepIndex: 0,
    steps: [],
    weights: { blue: 100, green: 0 },
    status: "running",
    priorConfig: { active: "blue" },
    rollbackTriggers: [],
    owner: { ...SELF, heartbeatAt: iso(0) },
    startedAt: iso(-60),
    updatedAt: iso(0),
    ...over,
  };
}

/** Step `index` baking since `since` seconds, its analysis running. */
export function baking(index: number, since = 0, over: Partial<RolloutRecord> = {}): RolloutRecord {
  const steps = [...Array(index).fill({ phase: "done" }), { phase: "baking", startedAt: iso(since), bakeStartedAt: iso(since), analysisPending: true }];
  const weight = [10, 50, 100][index]!;
  return record({ stepIndex: index, steps, weights: { blue: 100 - weight, green: weight }, ...over });
}

export function analysisRun(phase: Phase, message = phase): AnalysisRun {
  return { phase, startedAt: iso(0), finishedAt: iso(1), metrics: [{ name: "error-share", phase, message, measurements: [] }] };
}

/** What a user reads from the effects: their kinds in order, progress events by name. */
export const kinds = (effects: readonly Effect[]) => effects.map((e) => (e.type === "emit" ? `emit:${e.event.type}` : e.type));

export const find = <K extends Effect["type"]>(effects: readonly Effect[], type: K) => effects.find((e): e is Extract<Effect, { type: K }> => e.type === type);

/** The stored record carrying a request written by another terminal. */
export const withRequest = (r: RolloutRecord, action: NonNullable<RolloutRecord["request"]>["action"], seconds = 5): RolloutRecord => ({
  ...r,
  request: { action, at: iso(seconds) },
});

export const polled = (r: RolloutRecord, stored: RolloutRecord): MachineEvent => ({ type: "polled", stored, base: r });

/** Feeds events in order, each at its time; returns every transition. */
export function steps(start: RolloutRecord, events: ReadonlyArray<readonly [MachineEvent, number]>): Transition[] {
  const out: Transition[] = [];
  let r = start;
  for (const [event, seconds] of events) {
    const t = next(r, event, at(seconds));
    out.push(t);
    r = t.record;
  }
  return out;
}
