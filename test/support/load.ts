/**
 * Steady HTTP load through the local target with autocannon, bounded in time and only on
 * loopback. Counts every response by status so tests can assert on failed requests.
 */
import autocannon from "autocannon";

export interface LoadResult {
  readonly total: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: number;
  readonly timeouts: number;
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
}

export function startLoad(url: string, options: { connections?: number; rate?: number; maxSeconds?: number } = {}): RunningLoad {
  let ok = 0;
  let failed = 0;
  const instance = autocannon(
    {
      url,
      connections: options.connections ?? 4,
      overallRate: options.rate ?? 200,
      duration: options.maxSeconds ?? 300,
      timeout: 5,
    },
    () => {},
  );
  instance.on("response", (_client: unknown, statusCode: number) => {
    if (statusCode >= 200 && statusCode < 400) ok++;
    else failed++;
  });
  const finished = new Promise<autocannon.Result>((resolve) => instance.on("done", resolve));
  return {
    async stop() {
      instance.stop();
      const result = await finished;
      return { total: ok + failed + result.errors, ok, failed, errors: result.errors, timeouts: result.timeouts };
    },
  };
}
