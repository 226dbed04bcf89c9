/**
 * `switchyard watch`: measures the serving region with the stack's analysis providers every
 * `switchyard:dr.watch.interval` and fails over by itself after `failureLimit` failed
 * measurements in a row. The recovery time counts from the last measurement that saw the region
 * healthy (the fault came after it): an upper bound, never flattering.
 */
import { durationSchema } from "../../model/config/analysis";
import { drSchema, servingRegion } from "../../model/config/dr";
import { ConfigError } from "../../model/errors";
import { ExitCode } from "../exit-codes";
import { analyseRegion, regionContext } from "../dr/region-analysis";
import { frontFailures, readLiveRegionWeights } from "../dr/read-back";
import { NoRegionsError } from "../dr/regional-router";
import { openRolloutSession } from "../rollout/session";
import type { CommandContext } from "./context";
import { regionMove } from "./dr";
import type { ListingResult } from "./releases";

export interface WatchFlags {
  /** Stop after this long without a failover (a duration such as 10m); default: until stopped. */
  readonly for?: string;
}

/** The streak of failed measurements: a failover is due once it reaches the limit. Pure. */
export interface Streak {
  readonly failures: number;
  /** When the region was last seen healthy (the end of the last good measurement). */
  readonly lastHealthyAt?: string;
  /** The front's failed answers when it was last seen healthy. */
  readonly failuresAtHealthy?: number;
}

export function nextStreak(streak: Streak, phase: string, finishedAt: string, frontFailed: number | undefined): Streak {
  if (phase === "Failed" || phase === "Error") return { ...streak, failures: streak.failures + 1 };
  // Inconclusive (no data) neither counts against the region nor shows it healthy.
  if (phase !== "Successful") return streak;
  return { failures: 0, lastHealthyAt: finishedAt, failuresAtHealthy: frontFailed };
}

function windowOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = durationSchema.safeParse(text);
  if (!parsed.success || parsed.data <= 0) throw new ConfigError([{ path: "--for", message: "must be a duration such as 30s or 10m", value: JSON.stringify(text), fix: "e.g. --for 10m, or leave it out to watch until stopped" }], "command line");
  return parsed.data;
}

export async function watch(ctx: CommandContext, flags: WatchFlags = {}): Promise<ListingResult> {
  const windowMs = windowOf(flags.for);
  const session = await openRolloutSession(ctx, { mustExist: true });
  const outputs = await session.outputs();
  if (!outputs.regions) throw new NoRegionsError(ctx.stack);
  const dr = session.config.dr ?? drSchema.parse({});
  const metrics = session.config.analysis?.metrics ?? [];
  const until = windowMs === undefined ? Infinity : Date.now() + windowMs;
  let streak: Streak = { failures: 0 };
  let measured = 0;
  ctx.progress(`watch: measuring the serving region of ${ctx.stack} every ${dr.watch.interval / 1000} s; failover after ${dr.watch.failureLimit} failed measurements in a row\n`);
  while (Date.now() < until) {
    const live = (await readLiveRegionWeights(outputs)) ?? outputs.regions.weights;
    const serving = servingRegion(live);
    if (!serving) throw new ConfigError([{ path: "regions", message: "traffic is split between regions", value: JSON.stringify(live), fix: "finish the move in progress first (switchyard status shows it)" }], `stack "${ctx.stack}"`);
    const frontFailed = await frontFailures(outputs);
    const run = await analyseRegion(metrics, regionContext(ctx.stack, session.config.service, outputs, serving), dr.watch.interval, true);
    measured++;
    streak = nextStreak(streak, run.phase, run.finishedAt, frontFailed);
    if (run.phase !== "Successful") ctx.progress(`watch: ${serving} ${run.phase} (${streak.failures}/${dr.watch.failureLimit}): ${run.metrics.map((m) => `${m.name}: ${m.message}`).join("; ")}\n`);
    if (streak.failures < dr.watch.failureLimit) continue;
    ctx.progress(`watch: ${serving} failed ${streak.failures} measurements in a row: failing over\n`);
    const result = await regionMove(ctx, "failover", { trigger: "watch", faultAt: streak.lastHealthyAt ?? run.startedAt, failuresBefore: streak.failuresAtHealthy });
    if (result.exitCode === ExitCode.Done) return { ...result, document: { ...(result.document as object), watch: { measurements: measured } } };
    // Refused (the standby is not healthy either): keep watching, and try again after another streak.
    ctx.progress(`watch: failover did not happen: ${result.text.split("\n")[0]}\n`);
    streak = { ...streak, failures: 0 };
  }
  return {
    document: { stack: ctx.stack, operation: "watch", status: "healthy", measurements: measured, dr: null, exit_code: ExitCode.Done },
    text: `watch: ${measured} measurements of ${ctx.stack}, no failover needed`,
    exitCode: ExitCode.Done,
  };
}
