/**
 * `failover`, `failback` and `drill`: move traffic between a stack's two regions as a gated,
 * recorded operation. Validates everything before anything moves; refuses while a rollout or
 * another move runs (naming it); a move whose driver died is taken over where it stopped.
 */
import { drSchema, primaryRegion, UnknownRegionError, type DrConfig } from "../../model/config/dr";
import { ConfigError } from "../../model/errors";
import { RegionMoveInProgressError, RolloutRunsError } from "../dr/errors";
import type { StackOutputs } from "../../model/outputs";
import { loadTarget } from "../../stacks/targets/load";
import { ExitCode } from "../exit-codes";
import { analyseRegion, regionContext } from "../dr/region-analysis";
import { decideMove, parseStepsFlag, RegionMoveRefusedError } from "../dr/decide";
import { driveRegionMove } from "../dr/run";
import { isMoving, newRegionMove, REGION_MOVE_KEY, rtoSeconds, type RegionMoveKind, type RegionMoveRecord } from "../dr/record";
import { frontFailures, readLiveRegionWeights } from "../dr/read-back";
import { NoRegionsError, RegionalRouter } from "../dr/regional-router";
import { describeRegionWeights } from "../../model/regions";
import { recordRestoration } from "../dr/restorations";
import { isActive, ownerAlive, ownerHere, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { openRolloutSession, type RolloutSession } from "../rollout/session";
import type { StoredDocument } from "../store/document-store";
import type { CommandContext } from "./context";
import type { ListingResult } from "./releases";

export interface RegionMoveFlags {
  readonly steps?: string;
  /** Set by `watch`: the move answers failed measurements of the primary, the first taken at faultAt. */
  readonly trigger?: "command" | "watch";
  readonly faultAt?: string;
  /** The front's failed answers counted before the fault (watch), for requests_failed. */
  readonly failuresBefore?: number;
}

/** The stack's DR config, validated against the regions it exports. */
function drOf(stack: string, config: { dr?: DrConfig }, outputs: StackOutputs): { dr: DrConfig; filePrimary: string } {
  if (!outputs.regions) throw new NoRegionsError(stack);
  const dr = config.dr ?? drSchema.parse({});
  try {
    return { dr, filePrimary: primaryRegion(dr, outputs.regions.names) };
  } catch (error) {
    if (!(error instanceof UnknownRegionError)) throw error;
    throw new ConfigError([{ path: "switchyard:dr.primary", message: `is not one of the stack's regions`, value: JSON.stringify(error.region), fix: `set it to ${error.regions.join(" or ")}` }], `stack "${stack}" config`);
  }
}

function regionalDeps(session: RolloutSession, outputs: StackOutputs) {
  const router = new RegionalRouter(session.opened, outputs, readLiveRegionWeights, session.ctx.progress);
  const metrics = session.config.analysis?.metrics ?? [];
  return {
    store: session.store,
    applyRegionWeights: async (weights: Record<string, number>) => {
      session.ctx.progress(`regions: applying ${describeRegionWeights(weights)}\n`);
      return router.apply(weights);
    },
    analyseRegion: async (region: string, ms: number, purpose: "precheck" | "step") => {
      session.ctx.progress(`regions: analysing ${region} (${purpose === "precheck" ? "before anything moves" : "at this step"}, ${ms / 1000} s)\n`);
      return analyseRegion(metrics, regionContext(session.ctx.stack, session.config.service, outputs, region), ms);
    },
    promoteData: async (region: string) => {
      session.ctx.progress(`regions: promoting the data replicas of ${region}\n`);
      await router.promoteData(region);
    },
    /** Steps of a promotion the platform has no Pulumi property for (an Azure SQL failover group): a person runs them. */
    manualPromotion: (region: string): string[] => {
      const steps = (outputs as { dataPromotion?: Record<string, unknown> }).dataPromotion?.[region];
      return Array.isArray(steps) ? steps.map(String) : [];
    },
  };
}

export async function regionMove(ctx: CommandContext, kind: RegionMoveKind, flags: RegionMoveFlags = {}): Promise<ListingResult> {
  const steps = parseStepsFlag(flags.steps);
  const session = await openRolloutSession(ctx, { mustExist: true });
  const outputs = await session.outputs();
  const { dr, filePrimary } = drOf(ctx.stack, session.config, outputs);
  const regions = outputs.regions!;
  const rollout = (await session.store.get<RolloutRecord>(ROLLOUT_KEY))?.value;
  if (isActive(rollout)) throw new RolloutRunsError(ctx.stack, rollout, kind);
  const existing = await session.store.get<RegionMoveRecord>(REGION_MOVE_KEY);
  const deps = regionalDeps(session, outputs);
  const failuresBefore = flags.failuresBefore ?? (await frontFailures(outputs));

  let doc: StoredDocument<RegionMoveRecord>;
  if (existing && isMoving(existing.value)) {
    if (ownerAlive(existing.value.owner)) throw new RegionMoveInProgressError(ctx.stack, existing.value);
    // Its driver died: this command becomes the driver and goes on from the record.
    ctx.progress(`recovery: ${existing.value.kind} ${existing.value.id} lost its driver; going on from ${existing.value.phase}\n`);
    doc = await session.store.put(REGION_MOVE_KEY, { ...existing.value, owner: ownerHere() }, existing.revision);
  } else {
    const live = (await readSplit(ctx.stack, outputs)) ?? regions.weights;
    const shift = loadTarget(session.config.target).regionalShift ?? "at-once";
    const decided = decideMove({ stack: ctx.stack, kind, names: regions.names, live, filePrimary, dr, steps, shift });
    // Only data the engine can promote is promoted by the move; other steps are reported to run by hand.
    const move = { ...decided, promoteData: decided.promoteData && Boolean(regions.dataUrns?.length) };
    const dataPrimary = regions.dataPrimary;
    const record = newRegionMove({
      kind,
      stack: ctx.stack,
      ...move,
      home: regions.names[0],
      weights: live,
      trigger: flags.trigger ?? "command",
      faultAt: flags.faultAt,
      owner: ownerHere(),
      baseDataPrimary: dataPrimary !== undefined && dataPrimary !== filePrimary ? dataPrimary : undefined,
    });
    ctx.progress(`${kind} ${record.id}: ${record.from} -> ${record.to}, steps ${record.plan.join(", ")}\n`);
    doc = await session.store.put(REGION_MOVE_KEY, record, existing?.revision ?? 0);
  }
  const final = await driveRegionMove(doc, deps);
  const rto = rtoSeconds(final);
  if (final.kind === "failover" && final.status === "succeeded" && rto !== undefined) {
    await recordRestoration(session.store, { id: final.id, kind: "failover", finishedAt: final.finishedAt ?? new Date().toISOString(), restoreSeconds: rto });
  }
  const failuresAfter = await frontFailures(outputs);
  const requestsFailed = failuresBefore !== undefined && failuresAfter !== undefined ? failuresAfter - failuresBefore : undefined;
  const manual = final.status === "succeeded" && final.kind !== "drill" && dr.failover.promoteData ? deps.manualPromotion(final.to) : [];
  return regionMoveResult(final, dr, requestsFailed, manual);
}

/** The regional split as it serves; a split that cannot be read stops the move before anything changes. */
async function readSplit(stack: string, outputs: StackOutputs) {
  try {
    return await readLiveRegionWeights(outputs);
  } catch (error) {
    throw new RegionMoveRefusedError(`stack "${stack}": the regional split cannot be read, so which region serves is unknown and nothing was moved: ${error instanceof Error ? error.message : String(error)}`, `switchyard status --stack ${stack} shows what is down; switchyard deploy --stack ${stack} recreates it`);
  }
}

const EXIT: Record<RegionMoveRecord["status"], ExitCode> = { succeeded: ExitCode.Done, "rolled-back": ExitCode.RolledBack, refused: ExitCode.Error, failed: ExitCode.Error, running: ExitCode.Error };

/** The move as the report shows it: `dr` carries what operators measure (RTO, failed requests, steps). */
export function regionMoveDocument(record: RegionMoveRecord, dr: Pick<DrConfig, "objectives">, requestsFailed: number | undefined) {
  const rto = rtoSeconds(record);
  return {
    stack: record.stack,
    operation: record.kind,
    id: record.id,
    status: record.status,
    reason: record.statusReason ?? null,
    from: record.from,
    to: record.to,
    trigger: record.trigger,
    started_at: record.startedAt,
    finished_at: record.finishedAt ?? null,
    dr: {
      rto_seconds: rto ?? null,
      rto_objective_seconds: dr.objectives?.rtoSeconds ?? null,
      rto_met: rto === undefined || !dr.objectives ? null : rto <= dr.objectives.rtoSeconds,
      // Replication lag is not visible to the driver on every platform; the data plane's count is in requests_failed.
      rpo_seconds: null,
      requests_failed: requestsFailed ?? null,
      fault_at: record.faultAt ?? null,
      serves_all_at: record.servesAllAt ?? null,
      data_promoted_at: record.dataPromotedAt ?? null,
      precheck: record.precheck ? { phase: record.precheck.phase, metrics: record.precheck.metrics.map((m) => ({ name: m.name, phase: m.phase, message: m.message })) } : null,
      steps: record.steps.map((step) => ({ share: step.share, applied_at: step.appliedAt ?? null, verified: step.verified ?? null, analysis: step.analysis?.phase ?? null })),
      weights: record.weights,
    },
    exit_code: EXIT[record.status],
  };
}

function regionMoveResult(record: RegionMoveRecord, dr: Pick<DrConfig, "objectives">, requestsFailed: number | undefined, manual: readonly string[]): ListingResult {
  const document = { ...regionMoveDocument(record, dr, requestsFailed), next_steps: manual.map((step) => `promote the data by hand (the platform has no Pulumi property for it): ${step}`) };
  const lines = [
    `${record.kind} ${record.id} of ${record.stack}: ${record.status}${record.statusReason ? ` (${record.statusReason})` : ""}`,
    `  ${record.from} -> ${record.to}; serving now: ${describeRegionWeights(record.weights)}`,
    ...record.steps.map((step) => `  step ${step.share}%: applied ${step.appliedAt ?? "-"}${step.verified === true ? ", read back" : step.verified === undefined ? ", not readable here" : ""}${step.analysis ? `, analysis ${step.analysis.phase}` : ""}`),
    document.dr.rto_seconds !== null ? `  RTO ${document.dr.rto_seconds} s${document.dr.rto_objective_seconds !== null ? ` (objective ${document.dr.rto_objective_seconds} s)` : ""}` : "",
    document.dr.requests_failed !== null ? `  requests failed at the front: ${document.dr.requests_failed}` : "",
    ...document.next_steps.map((step) => `  next: ${step}`),
    record.kind === "failover" && record.status === "succeeded" ? `  the stack file still names its old primary: set switchyard:dr.primary: ${record.to} to keep ${record.to}, or run failback once ${record.from} is healthy` : "",
  ].filter((line) => line !== "");
  return { document, text: lines.join("\n"), exitCode: EXIT[record.status] };
}
