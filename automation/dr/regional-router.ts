/**
 * Moves traffic between regions and promotes data the one way Switchyard changes anything: the
 * engine, with the regional weights (and the data primary) in the run's driver status, as a
 * targeted update of exactly the resources the stack exports for them. The data plane is read
 * back after every move.
 */
import { allOnRegion, type RegionWeights } from "../../model/config/dr";
import { describeRegionWeights } from "../../model/regions";
import type { DriverStatus } from "../../model/driver-status";
import { SwitchyardError } from "../../model/errors";
import type { StackOutputs } from "../../model/outputs";
import { withStaleLockRemoved } from "../recovery/recover";
import { STEP_ENGINE_ENV } from "../routers/engine-router";
import { guardedTrafficProgram } from "../routers/traffic-program";
import type { OpenedStack } from "../workspace";
import { readStackConfigValues } from "../stack-file";
import { filePrimaryOf } from "./status";

export class RegionWeightVerificationError extends SwitchyardError {
  constructor(stack: string, wanted: RegionWeights, found: RegionWeights) {
    super(`stack "${stack}": the regional split serves ${describeRegionWeights(found)} after the engine set ${describeRegionWeights(wanted)}`, "something changes the regional split outside Pulumi; run `switchyard drift` to see what");
  }
}

export class NoRegionsError extends SwitchyardError {
  constructor(stack: string) {
    super(`stack "${stack}" exports no standby region, so there is nothing to fail over to`, "declare a standby region (a dr block in the target's config, or switchyard:local.regions) and deploy once");
  }
}

const regionalUrns = (outputs: Record<string, unknown> | undefined) => (outputs?.regions as { trafficUrns?: unknown } | undefined)?.trafficUrns;
const dataUrnsOf = (outputs: Record<string, unknown> | undefined) => (outputs?.regions as { dataUrns?: unknown } | undefined)?.dataUrns;

export type RegionReadBack = (outputs: StackOutputs) => Promise<RegionWeights | undefined>;

export class RegionalRouter {
  constructor(
    private readonly opened: OpenedStack,
    private readonly outputs: StackOutputs,
    private readonly readBack: RegionReadBack,
    private readonly progress: (line: string) => void = () => {},
  ) {}

  private get regions() {
    if (!this.outputs.regions) throw new NoRegionsError(this.opened.stackName);
    return this.outputs.regions;
  }

  private async targeted(operation: string, urns: readonly string[], declared: (o: Record<string, unknown> | undefined) => unknown, status: DriverStatus) {
    const program = guardedTrafficProgram(this.opened.trafficProgram, urns, declared as never);
    const args = ["up", "--yes", "--skip-preview", ...urns.flatMap((urn) => ["--target", urn])];
    const actions: string[] = [];
    await withStaleLockRemoved(this.opened, () => this.opened.direct(operation, args, { program, onOutput: this.progress, env: STEP_ENGINE_ENV, driverStatus: status }), actions);
    for (const action of actions) this.progress(`recovery: ${action}\n`);
  }

  /** The region the stack file names as primary (read each time: people may change it meanwhile). */
  private filePrimary(): string {
    return filePrimaryOf(readStackConfigValues(this.opened.workDir, this.opened.stackName), { home: this.regions.names[0] });
  }

  /**
   * The driver's status for a run that applies `regions` and `dataPrimary`: what equals the file's
   * steady state is left out, so a move that ends where the file says (a drill's return, a
   * failback) leaves state exactly as a plain run from the file would.
   */
  private async statusFor(regions: RegionWeights, promoteTo?: string): Promise<DriverStatus> {
    const { regions: _inFlight, dataPrimary: promoted, ...rest } = (await this.opened.driverStatus()) ?? {};
    // Traffic moves keep the data where it is; only a promotion moves it.
    const dataPrimary = promoteTo ?? promoted;
    const primary = this.filePrimary();
    const steady = allOnRegion(primary, this.regions.names);
    return {
      ...rest,
      ...(this.regions.names.every((r) => (regions[r] ?? 0) === steady[r]) ? {} : { regions: { ...regions } }),
      ...(dataPrimary !== undefined && dataPrimary !== primary ? { dataPrimary } : {}),
    };
  }

  /** Resolves whether the data plane agrees (undefined: the target cannot tell). */
  async apply(weights: RegionWeights): Promise<boolean | undefined> {
    const regions = this.regions;
    const status = await this.statusFor(weights);
    await this.targeted("regional traffic", regions.trafficUrns, regionalUrns, status);
    const live = await this.readBack(this.outputs);
    if (!live) return undefined;
    if (regions.names.some((region) => (live[region] ?? 0) !== (weights[region] ?? 0))) throw new RegionWeightVerificationError(this.opened.stackName, weights, live);
    return true;
  }

  /** Makes `region`'s replicas the primary ones; a stack that replicates no data has nothing to do. */
  async promoteData(region: string): Promise<void> {
    const regions = this.regions;
    if (!regions.dataUrns?.length) return;
    const status = await this.statusFor(allOnRegion(region, regions.names), region);
    await this.targeted("data promotion", regions.dataUrns, dataUrnsOf, status);
  }
}
