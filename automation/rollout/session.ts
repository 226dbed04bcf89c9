/**
 * Everything a rollout command works with, opened once: the validated config, the stack, the
 * record store in the stack's backend, the router and the analysis. Control commands
 * (resume, promote, abort) and deploy share it.
 */
import { hostname } from "node:os";
import { allOn } from "../../model/weights";
import type { StackOutputs } from "../../model/outputs";
import type { StackConfig } from "../../model/config/stack";
import type { DriverStatus } from "../../model/driver-status";
import { switchyardProgram } from "../../stacks/program";
import { runAnalysis } from "../analysis/run";
import type { AnalysisContext } from "../analysis/types";
import type { CommandContext } from "../commands/context";
import { loadStackConfig } from "../../stacks/load-config";
import { decryptOnce } from "../secrets/decrypt";
import { readStackOutputs } from "../report/outputs";
import { EngineTrafficRouter } from "../routers/engine-router";
import { readStackConfigValues } from "../stack-file";
import { applyRolloutFlags, hasRolloutFlags } from "./overrides";
import { openDocumentStore } from "../store/open-store";
import type { DocumentStore } from "../store/document-store";
import { engineBackendUrl, openStack, PROJECT_NAME, type OpenedStack, type ProgramScopes } from "../workspace";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { metricsFor } from "../../model/config/analysis-phases";
import type { PlanStep } from "../../model/config/plan";
import { RolloutRunner, type RolloutEvent } from "./runner";
import { ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "./record";
import type { StoredDocument } from "../store/document-store";
import { settleEnginesOf } from "../engine-processes";

import { inventoryOf, saveInventory } from "../drift/inventory";
import { completeLedger, finishedOf, recordDeploy } from "../releases/releases";
import { completePendingDeploy } from "../releases/pending-deploy";
import { withStaleLockRemoved } from "../recovery/recover";

export interface RolloutSession {
  readonly ctx: CommandContext;
  readonly config: StackConfig;
  readonly opened: OpenedStack;
  readonly store: DocumentStore;
  readonly router: EngineTrafficRouter;
  outputs(): Promise<StackOutputs>;
  /**
   * A full update of the stack (refresh first when asked), with the driver's status as the
   * backend has it, or as given (a transition the record does not show yet).
   */
  applyAll(options?: { refresh?: boolean; status?: DriverStatus }): Promise<{ changes: Record<string, number> }>;
  runner(doc: StoredDocument<RolloutRecord>, onEvent: (event: RolloutEvent) => void): RolloutRunner;
}

export interface SessionOptions {
  readonly mustExist?: boolean;
  /**
   * The Pulumi program the engine runs: Switchyard's own unless a program that builds its own
   * resources from Switchyard's config (stacks/program.ts runInputs) drives them with this driver.
   */
  readonly program?: PulumiFn | ProgramScopes;
}

export async function openRolloutSession(ctx: CommandContext, options: SessionOptions = {}): Promise<RolloutSession> {
  const openEngine = () => openStack({ stackName: ctx.stack, workDir: ctx.workDir, mustExist: options.mustExist }, options.program ?? switchyardProgram);
  // Commands that change the stack validate config before any engine call; commands on an
  // existing stack first make sure it exists, which is the more useful error.
  const opened = options.mustExist ? await openEngine() : undefined;
  const { config: loaded, warnings } = loadStackConfig(ctx.stack, ctx.workDir);
  // For people, on stderr even with --json: stdout stays one JSON document.
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  const config: StackConfig =
    ctx.rolloutFlags && hasRolloutFlags(ctx.rolloutFlags)
      ? { ...loaded, rollout: applyRolloutFlags(readStackConfigValues(ctx.workDir, ctx.stack).rollout, ctx.rolloutFlags) }
      : loaded;
  const engine = opened ?? (await openEngine());
  const store = openDocumentStore(engineBackendUrl(), PROJECT_NAME, ctx.stack);
  const router = new EngineTrafficRouter(engine, ctx.progress);
  const outputs = async () => (await readStackOutputs(engine)) as StackOutputs;
  // Secrets of the analysis are decrypted by the engine when a step first analyses, not before.
  const analysisMetrics = decryptOnce(config.analysis?.metrics ?? [], engine);
  const latest = (await store.get<RolloutRecord>(ROLLOUT_KEY))?.value;
  await settleDeadDriver(latest, ctx.progress);
  const completed = await completeLedger(engine, store, latest);
  if (completed) ctx.progress(`recovery: ${completed.id} (${completed.kind} ${completed.deploymentId}) added to the ledger: its driver stopped after it finished\n`);
  const deployed = await completePendingDeploy(engine, store);
  if (deployed) ctx.progress(`recovery: ${deployed.id} (deploy ${deployed.deploymentId}) added to the ledger: its driver stopped after its update\n`);

  const applyAll = async ({ refresh = false, status }: { refresh?: boolean; status?: DriverStatus } = {}) => {
    const actions: string[] = [];
    const configFile = status ? await engine.effectiveConfigFile(status) : undefined;
    const result = await withStaleLockRemoved(engine, () => engine.run("deploy", (stack) => stack.up({ refresh, onOutput: ctx.progress, configFile })), actions);
    for (const action of actions) ctx.progress(`recovery: ${action}\n`);
    // What this update left running: drift reports anything of it that goes missing later.
    const state = await engine.run("exporting state", (stack) => stack.exportStack());
    await saveInventory(store, inventoryOf(state, new Date()));
    return { changes: (result.summary.resourceChanges ?? {}) as Record<string, number> };
  };

  const analyse = async (step: PlanStep, _index: number, weights: { blue: number; green: number }, signal: AbortSignal, record: RolloutRecord) => {
    if (!config.analysis) return undefined;
    const names = metricsFor(config.analysis, step.kind);
    if (names.length === 0) return undefined;
    const out = await outputs();
    const analysisCtx: AnalysisContext = {
      stack: ctx.stack,
      service: config.service,
      canarySlot: record.canarySlot,
      stableSlot: record.stableSlot,
      weights,
      endpoint: out.endpoint,
      slotEndpoints: { blue: out.slots?.blue?.endpoint, green: out.slots?.green?.endpoint },
      haproxy: out.trafficSocket && out.trafficBackend ? { socketPath: out.trafficSocket, backend: out.trafficBackend } : undefined,
      signal,
    };
    return runAnalysis((await analysisMetrics()).filter((metric) => names.includes(metric.name)), analysisCtx);
  };

  return {
    ctx,
    config,
    opened: engine,
    store,
    router,
    outputs,
    applyAll,
    runner(doc, onEvent) {
      return new RolloutRunner(
        {
          store,
          router,
          analyse: (step, index, weights, signal) => analyse(step, index, weights, signal, doc.value),
          prepare: async () => {
            await applyAll({ refresh: true });
          },
          // Each transition's status is given whole: the record says it only after the update.
          scaleDownStable: async (slot) => {
            await applyAll({ status: { ...(await engine.driverStatus()), scaledDown: slot } });
          },
          restorePriorRelease: async (prior) => {
            await applyAll({ status: { rollout: doc.value.id, weights: allOn(doc.value.stableSlot), release: { ...prior } } });
          },
          applyFinalConfig: async (config) => {
            await applyAll({ status: { rollout: doc.value.id, release: { ...config } } });
          },
          recordFinished: async (record) => {
            await recordDeploy(engine, store, finishedOf(record));
          },
          onEvent,
        },
        doc,
      );
    },
  };
}

/**
 * A rollout whose driver died on this host: its engine processes are being stopped by its
 * watchdog; wait for that, so that whoever takes the rollout over does not meet their lock.
 */
export async function settleDeadDriver(record: RolloutRecord | undefined, progress: (line: string) => void): Promise<void> {
  const owner = record?.owner;
  if (!owner || owner.host !== hostname() || ownerAlive(owner)) return;
  const stopped = await settleEnginesOf(owner.pid);
  if (stopped) progress(`recovery: ${stopped} engine process(es) of the driver that died (pid ${owner.pid}) stopped\n`);
}

