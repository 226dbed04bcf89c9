/**
 * Executes a rollout one step at a time, persisting the record after every change: shift the
 * weights (one targeted update), bake while analysis measures, then move on, pause or roll back.
 * All I/O is injected, so scenarios run against fakes with a fake clock.
 */
import { allOn, type Slot, type Weights } from "../../model/weights";
import type { AnalysisRun, Phase } from "../analysis/types";
import type { DocumentStore, StoredDocument } from "../store/document-store";
import type { TrafficRouter } from "../routers/types";
import type { PlanStep } from "../../model/config/plan";
import { ownerHere, ROLLOUT_KEY, type ControlAction, type RolloutRecord, type StepRecord } from "./record";

export type RolloutOutcome = "succeeded" | "rolled-back" | "paused";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export type RolloutEvent =
  | { type: "preparing" }
  | { type: "step-started"; index: number; step: PlanStep; weights: Weights }
  | { type: "weights-applied"; index: number; weights: Weights; verified: boolean | undefined; ms: number }
  | { type: "baking"; index: number; remainingMs: number }
  | { type: "analysis"; index: number; run: AnalysisRun }
  | { type: "request"; action: ControlAction }
  | { type: "rollback-started"; reason: string }
  | { type: "rollback-traffic-restored"; weights: Weights; ms: number }
  | { type: "holding"; remainingMs: number; slot: Slot }
  | { type: "scaled-down"; slot: Slot }
  | { type: "finished"; outcome: RolloutOutcome; reason?: string };

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

const BAD: readonly Phase[] = ["Failed", "Error"];
const HEARTBEAT_EVERY_MS = 5000;

export const weightsFor = (canary: Slot, canaryWeight: number): Weights =>
  canary === "green" ? { blue: 100 - canaryWeight, green: canaryWeight } : { blue: canaryWeight, green: 100 - canaryWeight };

class Interrupted extends Error {
  constructor(readonly action: ControlAction) {
    super(action);
  }
}

export class RolloutRunner {
  private doc: StoredDocument<RolloutRecord>;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: RunnerDeps,
    initial: StoredDocument<RolloutRecord>,
  ) {
    this.doc = initial;
    this.clock = deps.clock ?? realClock;
    this.pollMs = deps.pollMs ?? 500;
  }

  get record(): RolloutRecord {
    return this.doc.value;
  }

  private emit(event: RolloutEvent) {
    this.deps.onEvent?.(event);
  }

  private iso() {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Saves a change to the record. Writes are serialised; a conflicting write (a request from
   * another terminal) is merged by re-reading and re-applying the change.
   */
  private save(change: (record: RolloutRecord) => RolloutRecord): Promise<RolloutRecord> {
    const next = this.writing.then(async () => {
      for (let attempt = 0; ; attempt++) {
        const updated = { ...change(this.doc.value), updatedAt: this.iso() };
        try {
          this.doc = await this.deps.store.put(ROLLOUT_KEY, updated, this.doc.revision);
          return this.doc.value;
        } catch (error) {
          if (attempt >= 5) throw error;
          const fresh = await this.deps.store.get<RolloutRecord>(ROLLOUT_KEY);
          if (!fresh) throw error;
          this.doc = fresh;
        }
      }
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private saveStep(index: number, change: Partial<StepRecord>) {
    return this.save((r) => {
      const steps = [...r.steps];
      steps[index] = { ...(steps[index] ?? { phase: "pending" }), ...change };
      return { ...r, steps };
    });
  }

  /** Picks up a request left by another terminal, renewing the heartbeat when it is due. */
  private async pollRequest(): Promise<ControlAction | undefined> {
    const fresh = await this.deps.store.get<RolloutRecord>(ROLLOUT_KEY);
    if (fresh && fresh.revision !== this.doc.revision) this.doc = fresh;
    const action = this.doc.value.request?.action;
    const heartbeatAge = this.clock.now() - Date.parse(this.doc.value.owner?.heartbeatAt ?? "1970-01-01T00:00:00Z");
    if (action || heartbeatAge > HEARTBEAT_EVERY_MS) await this.save((r) => ({ ...r, owner: ownerHere(), request: undefined }));
    if (action) this.emit({ type: "request", action });
    return action;
  }

  /** Drives the rollout from where the record says it is, until it succeeds, pauses or rolls back. */
  async run(): Promise<RolloutOutcome> {
    const beating = this.heartbeat();
    try {
      return await this.drive();
    } finally {
      beating.stop();
    }
  }

  /**
   * Renews the owner's heartbeat while the driver works, engine updates included (they can take
   * minutes, and a control command on another machine must not take a live driver for dead).
   */
  heartbeat(): { stop(): void } {
    const timer = setInterval(() => {
      if (!this.record.owner || this.record.owner.pid !== process.pid) return;
      void this.save((r) => (r.owner?.pid === process.pid ? { ...r, owner: ownerHere() } : r)).catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  private async drive(): Promise<RolloutOutcome> {
    await this.save((r) => ({ ...r, owner: ownerHere(), status: "running", statusReason: r.rollingBack ? r.statusReason : undefined }));
    // A driver that died while rolling back left the job half done: finish it first.
    if (this.record.rollingBack) return this.rollback(this.record.rollingBack);
    try {
      if (!this.record.prepared) {
        this.emit({ type: "preparing" });
        await this.deps.prepare();
        await this.save((r) => ({ ...r, prepared: true }));
      }
      while (this.record.stepIndex < this.record.plan.length) {
        const outcome = await this.runStep(this.record.stepIndex);
        if (outcome) return outcome;
      }
      const held = await this.holdThenScaleDown();
      if (held) return held;
      if (this.record.finalConfig && this.deps.applyFinalConfig) await this.deps.applyFinalConfig(this.record.finalConfig);
      await this.save((r) => ({ ...r, status: "succeeded", finishedAt: this.iso(), owner: undefined }));
      await this.deps.recordFinished?.(this.record);
      this.emit({ type: "finished", outcome: "succeeded" });
      return "succeeded";
    } catch (error) {
      if (error instanceof Interrupted) return this.handleInterruption(error.action);
      throw error;
    }
  }

  /**
   * blue-green: keeps the old slot running for the hold, so that an abort can still switch back
   * in one targeted update, then scales it down. Returns an outcome when the hold was interrupted.
   */
  private async holdThenScaleDown(): Promise<RolloutOutcome | undefined> {
    const hold = this.record.scaleDownAfterSeconds;
    if (hold === undefined || !this.deps.scaleDownStable) return undefined;
    if (!this.record.holdStartedAt) await this.save((r) => ({ ...r, holdStartedAt: this.iso() }));
    const ends = Date.parse(this.record.holdStartedAt!) + hold * 1000;
    for (let remaining = ends - this.clock.now(); remaining > 0; remaining = ends - this.clock.now()) {
      this.emit({ type: "holding", remainingMs: remaining, slot: this.record.stableSlot });
      const action = await this.pollRequest();
      if (action === "abort") return this.rollback("aborted by request during the hold before scale-down");
      if (action === "pause") return this.pause("paused by request during the hold before scale-down");
      if (action === "promote" || action === "promote-full") break;
      await this.clock.sleep(Math.min(this.pollMs, remaining));
    }
    await this.deps.scaleDownStable(this.record.stableSlot);
    this.emit({ type: "scaled-down", slot: this.record.stableSlot });
    return undefined;
  }

  private async handleInterruption(action: ControlAction): Promise<RolloutOutcome> {
    switch (action) {
      case "abort":
        return this.rollback("aborted by request");
      case "pause":
        return this.pause("paused by request");
      default:
        throw new Error(`unexpected interruption ${action}`);
    }
  }

  private async pause(reason: string): Promise<RolloutOutcome> {
    await this.save((r) => ({ ...r, status: "paused", statusReason: reason, owner: undefined }));
    this.emit({ type: "finished", outcome: "paused", reason });
    return "paused";
  }

  /** Returns an outcome when the rollout ends in this step, undefined to go on. */
  private async runStep(index: number): Promise<RolloutOutcome | undefined> {
    const step = this.record.plan[index]!;
    const target = weightsFor(this.record.canarySlot, step.weight);
    let state = this.record.steps[index] ?? { phase: "pending" };

    if (state.phase === "pending" || state.phase === "shifting") {
      this.emit({ type: "step-started", index, step, weights: target });
      await this.saveStep(index, { phase: "shifting", startedAt: state.startedAt ?? this.iso() });
      const started = this.clock.now();
      const verified = await this.deps.router.setWeights(target);
      this.emit({ type: "weights-applied", index, weights: target, verified, ms: this.clock.now() - started });
      await this.save((r) => ({ ...r, weights: target }));
      state = await this.saveStep(index, { phase: "baking", bakeStartedAt: this.iso() }).then((r) => r.steps[index]!);
    }

    // Bake and analysis run together: analysis measures the traffic of the bake, and a failure
    // ends the bake at once rather than leaving the bad release in service until it is over.
    const controller = new AbortController();
    let interruption: ControlAction | undefined;
    const analysis = step.analysis
      ? this.deps.analyse(step, index, target, controller.signal).then(async (run) => {
          if (run) {
            this.emit({ type: "analysis", index, run });
            await this.saveStep(index, { analysis: run });
          }
          return run;
        })
      : Promise.resolve(undefined);
    let analysisDone = false;
    let run: AnalysisRun | undefined;
    void analysis.then((r) => {
      analysisDone = true;
      run = r;
    });
    const bakeEnds = Date.parse(state.bakeStartedAt ?? this.iso()) + step.bakeSeconds * 1000;
    for (;;) {
      const remaining = bakeEnds - this.clock.now();
      if (analysisDone && (remaining <= 0 || (run && BAD.includes(run.phase)))) break;
      this.emit({ type: "baking", index, remainingMs: Math.max(0, remaining) });
      const action = await this.pollRequest();
      if (action === "promote" || action === "promote-full") {
        controller.abort();
        await analysis.catch(() => undefined);
        return this.promote(index, action === "promote-full");
      }
      if (action === "abort" || action === "pause") {
        interruption = action;
        controller.abort();
        break;
      }
      await this.clock.sleep(Math.min(this.pollMs, Math.max(remaining, 10)));
    }
    await analysis.catch(() => undefined);
    if (interruption) throw new Interrupted(interruption);

    const phase: Phase = run?.phase ?? "Successful";
    if (BAD.includes(phase)) return this.rollback(`analysis ${phase.toLowerCase()} at step ${index + 1} (${step.weight}% on ${this.record.canarySlot})${summarise(run)}`);
    if (phase === "Inconclusive") return this.pause(`analysis inconclusive at step ${index + 1}${summarise(run)}; run promote, resume or abort`);
    await this.saveStep(index, { phase: "done", finishedAt: this.iso() });
    await this.save((r) => ({ ...r, stepIndex: index + 1 }));
    return undefined;
  }

  /** Skips the rest of this step (promote) or every remaining step (promote --full). */
  private async promote(index: number, full: boolean): Promise<RolloutOutcome | undefined> {
    await this.saveStep(index, { phase: "done", finishedAt: this.iso() });
    const last = this.record.plan.length - 1;
    if (full && index < last) {
      // Straight to the final weights; the final step still bakes and analyses.
      await this.save((r) => ({ ...r, stepIndex: last }));
      return undefined;
    }
    await this.save((r) => ({ ...r, stepIndex: index + 1 }));
    return undefined;
  }

  /** Traffic back to the stable slot first (one targeted update), then the prior release again. */
  async rollback(reason: string): Promise<RolloutOutcome> {
    this.emit({ type: "rollback-started", reason });
    await this.save((r) => ({
      ...r,
      owner: ownerHere(),
      status: "running",
      statusReason: `rolling back: ${reason}`,
      rollingBack: reason,
      request: undefined,
      rollbackStartedAt: r.rollbackStartedAt ?? this.iso(),
      rollbackTriggers: r.rollingBack ? r.rollbackTriggers : [...r.rollbackTriggers, reason],
    }));
    const stable = allOn(this.record.stableSlot);
    const started = this.clock.now();
    await this.deps.router.setWeights(stable);
    await this.save((r) => ({ ...r, weights: stable, stableRestoredAt: this.iso() }));
    this.emit({ type: "rollback-traffic-restored", weights: stable, ms: this.clock.now() - started });
    await this.deps.restorePriorRelease(this.record.priorConfig);
    await this.save((r) => ({ ...r, status: "rolled-back", statusReason: reason, rollingBack: undefined, request: undefined, finishedAt: this.iso(), owner: undefined }));
    await this.deps.recordFinished?.(this.record);
    this.emit({ type: "finished", outcome: "rolled-back", reason });
    return "rolled-back";
  }
}

function summarise(run: AnalysisRun | undefined): string {
  if (!run) return "";
  const bad = run.metrics.filter((m) => m.phase !== "Successful").map((m) => `${m.name}: ${m.message}`);
  return bad.length ? ` — ${bad.join("; ")}` : "";
}
