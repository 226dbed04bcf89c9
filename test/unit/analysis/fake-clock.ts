/**
 * A virtual clock for runAnalysis: `sleep` registers a timer, `drive` lets pending promises
 * settle and then jumps straight to the next timer, so minutes of analysis take milliseconds.
 */
export class FakeClock {
  private nowMs: number;
  private timers: Array<{ at: number; fire: () => void }> = [];

  constructor(start = Date.parse("2026-01-01T00:00:00.000Z")) {
    this.nowMs = start;
  }

  readonly now = (): Date => new Date(this.nowMs);

  /** Milliseconds since the clock started. */
  elapsedSince(iso: string): number {
    return Date.parse(iso) - Date.parse("2026-01-01T00:00:00.000Z");
  }

  readonly sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = {
        at: this.nowMs + ms,
        fire: () => {
          signal.removeEventListener("abort", cancel);
          resolve();
        },
      };
      const cancel = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      signal.addEventListener("abort", cancel, { once: true });
      this.timers.push(timer);
    });

  /** Advances time whenever everything waits on a timer, until `work` settles. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => (settled = true));
    for (let spins = 0; !settled; spins++) {
      if (spins > 100_000) throw new Error("FakeClock: work did not settle");
      await new Promise((resolve) => setImmediate(resolve));
      if (settled || this.timers.length === 0) continue;
      const next = Math.min(...this.timers.map((t) => t.at));
      this.nowMs = next;
      const due = this.timers.filter((t) => t.at <= next);
      this.timers = this.timers.filter((t) => t.at > next);
      for (const t of due) t.fire();
    }
    return tracked;
  }
}
