/**
 * The thin loop around the rollout machine (machine.ts): it performs the machine's effects
 * through the injected deps and the store, feeds their results back, and owns the clock and the
 * timers. Every decision is the machine's; this file only does what it is told.
 */
import { hostname } from "node:os";
import { LeaseLostError } from "../../model/errors";
import type { AnalysisRun } from "../analysis/types";
import { RevisionConflictError, type DocumentStore, type StoredDocument } from "../store/document-store";
import type { TrafficRouter } from "../routers/types";
import type { Slot, Weights } from "../../model/weights";
import { HEARTBEAT_EVERY_MS, InvalidTransitionError, next } from "./machine";
import type { DriverId, Effect, MachineEvent, RolloutEvent, RolloutOutcome, Transition } from "./machine-types";
import type { PlanStep } from "../../model/config/plan";
import { ROLLOUT_KEY, type RolloutRecord } from "./record";

export type { RolloutEvent, RolloutOutcome } from "./machine-types";
export { weightsFor } from "./machine";

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface RunnerDeps {
  readonly store: DocumentStore;
  readonly router: TrafficRouter;
  /** Runs the step's analysis; resolves undefined when no analysis is configured. Aborted by `signal`. */
  readonly analyse: (step: PlanStep, index: number, weights: Weights, signal: AbortSignal) => Promise<AnalysisRun | undefined>;
  /** Brings the canary slot up with the new release, traffic unchanged (a full update). */
  readonly prepare: () => Promise<void>;
  /** blue-green: stops the old slot once it has been idle for the hold (a full update). */
  readonly scaleDownStable?: (slot: Slot) => Promise<void>;
  /** Writes the prior config back and re-applies it with a full update (the old release again). */
  readonly restorePriorRelease: (priorConfig: Readonly<Record<string, unknown>>) => Promise<void>;
  /** rollback: writes the release's exact config and applies it (a full update), before success is recorded. */
  readonly applyFinalConfig?: (config: Readonly<Record<string, unknown>>) => Promise<void>;
  /**
   * Adds the finished record to the ledger, right after the final transition; idempotent per
   * record id, and completed by the next command should the driver die in between.
   */
  readonly recordFinished?: (record: RolloutRecord) => Promise<void>;
  readonly clock?: Clock;
  readonly onEvent?: (event: RolloutEvent) => void;
  /** How often the driver looks for requests from other terminals and renews its heartbeat. */
  readonly pollMs?: number;
}

/** A save that keeps losing its compare-and-swap is given up: something writes in a loop. */
export const MAX_SAVE_ATTEMPTS = 5;

type Performed = { readonly kind: "next"; readonly event: MachineEvent } | { readonly kind: "end"; readonly outcome: RolloutOutcome } | { readonly kind: "go-on" };
const GO_ON: Performed = { kind: "go-on" };

export class RolloutRunner {
  /** What this driver last stored or read: the revision to compare-and-swap on, and the merge base. */
  private doc: StoredDocument<RolloutRecord>;
  private current: RolloutRecord;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly self: DriverId = { host: hostname(), pid: process.pid };
  /** Store reads and writes, one at a time (heartbeats run beside the loop). */
  private storeQueue: Promise<unknown> = Promise.resolve();
  private analysis?: { readonly controller: AbortController; readonly settled: Promise<void> };
  /** Analysis results waiting for the loop's next wait, which they end early. */
  private inbox: MachineEvent[] = [];
  private wake?: () => void;

  constructor(
    private readonly deps: RunnerDeps,
    initial: StoredDocument<RolloutRecord>,
  ) {
    this.doc = initial;
    this.current = initial.value;
    this.clock = deps.clock ?? realClock;
    this.pollMs = deps.pollMs ?? 500;
  }

  get record(): RolloutRecord {
    return this.current;
  }

  /** Drives the rollout from where the record says it is, until it succeeds, pauses or rolls back. */
  async run(): Promise<RolloutOutcome> {
    const beating = this.heartbeat();
    try {
      return await this.drive({ type: "started", self: this.self });
    } finally {
      beating.stop();
    }
  }

  /** Traffic back to the stable slot first (one targeted update), then the prior release again. */
  rollback(reason: string): Promise<RolloutOutcome>;
  /** (Internal) a rollback the machine began itself, continued here so that every rollback runs inside this method, which bench/ times from outside. */
  rollback(reason: string, begun: Transition): Promise<RolloutOutcome>;
  rollback(reason: string, begun?: Transition): Promise<RolloutOutcome> {
    return this.drive(begun ?? { type: "rollback-requested", reason, self: this.self });
  }

  /**
   * Renews the owner's heartbeat while the driver works, engine updates included (they can take
   * minutes, and a control command on another machine must not take a live driver for dead).
   */
  heartbeat(): { stop(): void } {
    const timer = setInterval(() => {
      const t = next(this.current, { type: "heartbeat-due", self: this.self }, this.clock.now());
      if (!t.effects.some((e) => e.type === "save")) return;
      this.current = t.record;
      // A failed renewal is retried at the next beat; the loop's own saves report store errors.
      void this.save().catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  private async drive(first: MachineEvent | Transition): Promise<RolloutOutcome> {
    try {
      let event = "type" in first ? first : undefined;
      let pending = "type" in first ? undefined : first;
      for (;;) {
        const t = pending ?? next(this.current, event!, this.clock.now());
        pending = undefined;
        if (event && event.type !== "rollback-requested" && !this.current.rollingBack && t.record.rollingBack) return this.rollback(t.record.rollingBack, t);
        const { record, effects } = t;
        this.current = record;
        let following: MachineEvent | undefined;
        for (const effect of effects) {
          const done = await this.perform(effect);
          if (done.kind === "end") return done.outcome;
          if (done.kind === "next") following = done.event;
        }
        if (!following) throw new InvalidTransitionError(event?.type ?? "rollback", "left without anything to wait for");
        event = following;
      }
    } finally {
      await this.cancelAnalysis();
    }
  }

  private async perform(effect: Effect): Promise<Performed> {
    const event = (e: MachineEvent): Performed => ({ kind: "next", event: e });
    switch (effect.type) {
      case "save":
        await this.save();
        return GO_ON;
      case "emit":
        this.deps.onEvent?.(effect.event);
        return GO_ON;
      case "start-analysis":
        this.startAnalysis(effect);
        return GO_ON;
      case "cancel-analysis":
        await this.cancelAnalysis();
        return GO_ON;
      case "wait":
        return event(await this.waitFor(effect.until));
      case "poll":
        return event(await this.poll());
      case "prepare":
        return event(await this.attempt(effect, async () => (await this.deps.prepare(), { type: "prepared" })));
      case "set-weights": {
        const started = this.clock.now();
        return event(
          await this.attempt(effect, async () => {
            const verified = await this.deps.router.setWeights(effect.weights);
            return { type: "weights-applied", weights: effect.weights, verified, ms: this.clock.now() - started };
          }),
        );
      }
      case "scale-down":
        return event(await this.attempt(effect, async () => (await this.deps.scaleDownStable?.(effect.slot), { type: "scaled-down" })));
      case "restore-prior":
        return event(await this.attempt(effect, async () => (await this.deps.restorePriorRelease(effect.priorConfig), { type: "prior-restored" })));
      case "apply-final-config":
        return event(await this.attempt(effect, async () => (await this.deps.applyFinalConfig?.(effect.config), { type: "final-config-applied" })));
      case "record-finished":
        return event(await this.attempt(effect, async () => (await this.deps.recordFinished?.(this.current), { type: "recorded" })));
      case "finish":
        return { kind: "end", outcome: effect.outcome };
      case "lease-lost":
        throw new LeaseLostError(this.current.stack, this.current.id, effect.holder);
      case "fail":
        throw effect.error;
      default:
        return unreachable(effect);
    }
  }

  /** Runs an engine or ledger effect; its failure goes back to the machine, which decides. */
  private async attempt(effect: Effect, work: () => Promise<MachineEvent>): Promise<MachineEvent> {
    try {
      return await work();
    } catch (error) {
      return { type: "effect-failed", effect: effect.type, error };
    }
  }

  private startAnalysis(effect: Extract<Effect, { type: "start-analysis" }>) {
    const controller = new AbortController();
    const deliver = (e: MachineEvent) => {
      if (controller.signal.aborted) return;
      this.inbox.push(e);
      this.wake?.();
    };
    const settled = this.deps
      .analyse(effect.step, effect.index, effect.weights, controller.signal)
      .then((run) => deliver({ type: "analysis-result", index: effect.index, run }))
      .catch((error: unknown) => deliver({ type: "effect-failed", effect: "start-analysis", error }));
    this.analysis = { controller, settled };
  }

  /** Aborts the analysis in flight and lets it stop before anything else moves; its result is dropped. */
  private async cancelAnalysis() {
    const running = this.analysis;
    this.analysis = undefined;
    this.inbox = [];
    if (!running) return;
    running.controller.abort();
    await running.settled;
  }

  /** Until `until` or the next poll, whichever is first; an analysis result ends it at once. */
  private async waitFor(until: number | undefined): Promise<MachineEvent> {
    if (this.inbox.length === 0) {
      const ms = until === undefined ? this.pollMs : Math.max(0, Math.min(this.pollMs, until - this.clock.now()));
      const stop = new AbortController();
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      await Promise.race([this.clock.sleep(ms, stop.signal), arrived]);
      stop.abort();
      this.wake = undefined;
    }
    return this.inbox.shift() ?? { type: "tick" };
  }

  private poll(): Promise<MachineEvent> {
    return this.queued(async () => {
      const fresh = await this.deps.store.get<RolloutRecord>(ROLLOUT_KEY);
      const base = this.doc.value;
      if (fresh) this.doc = fresh;
      return { type: "polled", stored: fresh?.value ?? base, base };
    });
  }

  /**
   * Writes the record as the machine left it. Only a lost compare-and-swap is merged (the
   * machine takes other terminals' requests in) and tried again, a bounded number of times;
   * any other store error (access denied, a network failure) fails the run at once.
   */
  private save(): Promise<void> {
    return this.queued(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          this.doc = await this.deps.store.put(ROLLOUT_KEY, this.current, this.doc.revision);
          return;
        } catch (error) {
          if (!(error instanceof RevisionConflictError) || attempt >= MAX_SAVE_ATTEMPTS) throw error;
          const fresh = await this.deps.store.get<RolloutRecord>(ROLLOUT_KEY);
          if (!fresh) throw error;
          const t = next(this.current, { type: "save-conflict", stored: fresh.value, base: this.doc.value }, this.clock.now());
          const lost = t.effects.find((e) => e.type === "lease-lost");
          if (lost) throw new LeaseLostError(this.current.stack, this.current.id, lost.holder);
          this.current = t.record;
          this.doc = fresh;
        }
      }
    });
  }

  private queued<T>(work: () => Promise<T>): Promise<T> {
    const result = this.storeQueue.then(work);
    this.storeQueue = result.catch(() => undefined);
    return result;
  }
}

function unreachable(effect: never): never {
  throw new InvalidTransitionError((effect as Effect).type, "an unknown effect");
}
