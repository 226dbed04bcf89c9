/** `releases` and `metrics`: what was released, and how delivery goes. Change nothing. */
import { ExitCode } from "../exit-codes";
import { readLedger } from "../releases/ledger";
import { deliveryMetrics, formatSeconds, parseWindow, type DeliveryMetrics } from "../releases/metrics";
import { listReleases, type Release } from "../releases/releases";
import { openRolloutSession } from "../rollout/session";
import { ConfigError } from "../../model/errors";
import type { CommandContext } from "./context";
import { readRestorations } from "../dr/restorations";

export interface ListingResult {
  readonly document: unknown;
  readonly text: string;
  readonly exitCode: ExitCode;
}

function releaseLine(release: Release, current: boolean): string {
  const versions = `blue ${release.versions.blue ?? "?"} / green ${release.versions.green ?? "?"}`;
  const serving = release.activeSlot ? `serving ${release.activeSlot}` : "split";
  const commit = release.commit ? ` ${release.commit.slice(0, 8)}` : "";
  return `${current ? "*" : " "} ${release.id.padEnd(7)} ${release.finishedAt}  ${release.kind.padEnd(8)} ${serving.padEnd(13)} ${versions}  ${release.user}${commit}`;
}

export async function releases(ctx: CommandContext): Promise<ListingResult> {
  const session = await openRolloutSession(ctx, { mustExist: true });
  const list = await listReleases(session.store);
  const text = list.length
    ? [`releases of ${ctx.stack} (newest last; * is current):`, ...list.map((r, i) => releaseLine(r, i === list.length - 1))].join("\n")
    : `no release of ${ctx.stack} is recorded yet: deploy it first`;
  return { document: { stack: ctx.stack, releases: list }, text, exitCode: ExitCode.Done };
}

function metricsText(stack: string, m: DeliveryMetrics): string {
  return [
    `delivery metrics of ${stack} from ${m.since} to ${m.until}:`,
    `  deployments:           ${m.deployments} (${m.deployment_frequency_per_day} per day)`,
    `  lead time for changes: ${formatSeconds(m.lead_time_seconds)} (median, commit → promoted)`,
    `  change failure rate:   ${m.change_failure_rate === null ? "n/a" : `${(m.change_failure_rate * 100).toFixed(1)}%`} (rolled back / all)`,
    `  time to restore:       ${formatSeconds(m.time_to_restore_seconds)} (median, failure → stable again)`,
  ].join("\n");
}

export async function metrics(ctx: CommandContext, since = "30d"): Promise<ListingResult> {
  let windowMs: number;
  try {
    windowMs = parseWindow(since);
  } catch (error) {
    throw new ConfigError([{ path: "--since", message: (error as Error).message, value: JSON.stringify(since), fix: "use e.g. --since 30d" }], "command line");
  }
  const session = await openRolloutSession(ctx, { mustExist: true });
  const m = deliveryMetrics(await readLedger(session.store), windowMs, Date.now(), await readRestorations(session.store));
  return { document: { stack: ctx.stack, metrics: m }, text: metricsText(ctx.stack, m), exitCode: ExitCode.Done };
}
