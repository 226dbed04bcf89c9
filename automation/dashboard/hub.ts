/**
 * Keeps each stack's snapshot fresh and tells subscribers when it changes: the records are read
 * every `recordsEveryMs` (a step, a bake, a measurement shows within a second), `status` every
 * `statusEveryMs` (it reads the data plane and the engine's state, which takes longer). One
 * reading of each kind runs at a time per stack.
 */
import { readPipelineSnapshot, type PipelineSnapshot } from "./pipelines";
import { readStatus, StackRecords } from "./snapshot";
import type { StackSnapshot } from "./view";

export interface HubOptions {
  readonly workDir: string;
  readonly stacks: readonly string[];
  /** Pipelines shown beside the stacks (pipelines/<name>.yaml). */
  readonly pipelines?: readonly string[];
  readonly recordsEveryMs?: number;
  readonly statusEveryMs?: number;
  /** Seams for tests. */
  readonly records?: (stack: string) => Pick<StackRecords, "read">;
  readonly status?: typeof readStatus;
  readonly pipeline?: typeof readPipelineSnapshot;
}

const STATUS_RETRY_MS = 30_000;
const STATUS_SECOND_TRY_MS = 1_000;

export type DashboardUpdate = { readonly kind: "stack"; readonly snapshot: StackSnapshot } | { readonly kind: "pipeline"; readonly snapshot: PipelineSnapshot };
type Listener = (update: DashboardUpdate) => void;

interface StackState {
  readonly records: Pick<StackRecords, "read">;
  fingerprint?: string;
  snapshot?: StackSnapshot;
  status?: StackSnapshot["status"];
  activeRollout: boolean;
}

/** The stack's records, its store opened at the first read that can open it (a failure is retried next time). */
function openedOnFirstRead(stack: string, workDir: string): Pick<StackRecords, "read"> {
  let records: StackRecords | undefined;
  return { read: (now?: number) => (records ??= new StackRecords(stack, workDir)).read(now) };
}

/** A stack whose backend cannot be opened: every part says so. */
function unreadable(stack: string, error: string): Omit<StackSnapshot, "status"> {
  return { stack, readAt: new Date().toISOString(), recordsError: error, releases: { error }, metrics: { error }, drift: { error } };
}

export class DashboardHub {
  private readonly stacks = new Map<string, StackState>();
  private readonly pipelines = new Map<string, { snapshot?: PipelineSnapshot; fingerprint?: string }>();
  private readonly listeners = new Set<Listener>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly options: HubOptions) {
    for (const stack of options.stacks) {
      this.stacks.set(stack, { records: options.records?.(stack) ?? openedOnFirstRead(stack, options.workDir), activeRollout: false });
    }
    for (const name of options.pipelines ?? []) this.pipelines.set(name, {});
  }

  get stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  /** Reads everything once (so the first page is complete), then keeps reading. */
  async start(): Promise<void> {
    await Promise.all([...this.stackNames.map((stack) => Promise.all([this.refreshStatus(stack), this.refreshRecords(stack, true)])), ...[...this.pipelines.keys()].map((name) => this.refreshPipeline(name))]);
    for (const name of this.pipelines.keys()) this.loop(() => this.refreshPipeline(name), () => this.options.recordsEveryMs ?? 500);
    for (const stack of this.stackNames) {
      const recordsEvery = this.options.recordsEveryMs ?? 500;
      const statusEvery = this.options.statusEveryMs ?? 5000;
      this.loop(() => this.refreshRecords(stack, false), () => recordsEvery);
      // A stack status cannot read (not deployed, no cloud here) is asked again less often.
      this.loop(() => this.refreshStatus(stack), () => (this.stacks.get(stack)!.status?.error !== undefined ? Math.max(statusEvery, STATUS_RETRY_MS) : statusEvery));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  snapshots(): StackSnapshot[] {
    return this.stackNames.map((stack) => this.stacks.get(stack)!.snapshot).filter((s): s is StackSnapshot => s !== undefined);
  }

  pipelineSnapshots(): PipelineSnapshot[] {
    return [...this.pipelines.values()].map((p) => p.snapshot).filter((s): s is PipelineSnapshot => s !== undefined);
  }

  snapshot(stack: string): StackSnapshot | undefined {
    return this.stacks.get(stack)?.snapshot;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads a stack's records now (after an action, so the page need not wait for the next tick). */
  async poke(stack: string): Promise<void> {
    await this.refreshRecords(stack, false);
  }

  private loop(tick: () => Promise<void>, delayMs: () => number): void {
    const run = async () => {
      if (this.stopped) return;
      await tick();
      if (!this.stopped) this.timers.push(setTimeout(run, delayMs()));
    };
    this.timers.push(setTimeout(run, delayMs()));
  }

  private async refreshRecords(stack: string, force: boolean): Promise<void> {
    const state = this.stacks.get(stack)!;
    let reading;
    try {
      reading = await state.records.read();
    } catch (error) {
      reading = { fingerprint: `error:${(error as Error).message}`, snapshot: unreadable(stack, (error as Error).message) };
    }
    const { fingerprint, snapshot } = reading;
    // A rollout in flight changes by the second (its bake counts down) even when no record does.
    const changed = force || fingerprint !== state.fingerprint || state.activeRollout || snapshot.rollout?.active === true;
    state.fingerprint = fingerprint;
    state.activeRollout = snapshot.rollout?.active === true;
    if (changed) this.publish(state, { ...snapshot, status: state.status });
  }

  private async refreshStatus(stack: string): Promise<void> {
    const state = this.stacks.get(stack)!;
    const read = () => (this.options.status ?? readStatus)(stack, this.options.workDir);
    let status = await read();
    // A stack that answered before and fails now is asked once more: an engine reading state while a
    // driver writes it fails for a moment ("failed to load checkpoint"). A failure that stays is shown.
    if (status.error !== undefined && state.status?.error === undefined && state.status !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, STATUS_SECOND_TRY_MS));
      if (!this.stopped) status = await read();
    }
    state.status = status;
    if (state.snapshot) this.publish(state, { ...state.snapshot, status: state.status });
  }

  private async refreshPipeline(name: string): Promise<void> {
    const state = this.pipelines.get(name)!;
    const snapshot = await (this.options.pipeline ?? readPipelineSnapshot)(name);
    const { readAt: _, ...content } = snapshot;
    const fingerprint = JSON.stringify(content);
    if (fingerprint === state.fingerprint && state.snapshot) return;
    state.fingerprint = fingerprint;
    state.snapshot = snapshot;
    this.emit({ kind: "pipeline", snapshot });
  }

  private publish(state: StackState, snapshot: StackSnapshot): void {
    state.snapshot = snapshot;
    this.emit({ kind: "stack", snapshot });
  }

  private emit(update: DashboardUpdate): void {
    if (this.stopped) return;
    for (const listener of this.listeners) listener(update);
  }
}
