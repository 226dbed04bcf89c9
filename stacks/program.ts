/**
 * The Switchyard Pulumi program: reads the validated stack config and builds the components.
 * Runs inline in the driver and, unchanged, under a plain `pulumi up` (see main.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./load-config";
import { loadTarget } from "./targets/load";
import type { CommonConfig } from "./targets/types";
import { planOf, settingsOf } from "../model/config/rollout";
import { NAMESPACE, type StackConfig } from "../model/config/stack";
import { drSchema } from "../model/config/dr";
import { DRIVER_STATUS_KEY, driverStatusSchema, effectiveWeights, scaledDownSlot, withRelease, type DriverStatus } from "../model/driver-status";
import { PLAINTEXT_CREDENTIALS_OUTPUT, plaintextCredentialsOf } from "../model/secrets/program-output";

/** Config values arrive as strings; structured ones as JSON. */
function configEntries(): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
    try {
      entries[key] = JSON.parse(raw);
    } catch {
      entries[key] = raw;
    }
  }
  return entries;
}

/** The driver's overlay from the run's effective config; absent under a plain engine run from the stack file. */
function driverStatusOf(entries: Record<string, unknown>, stack: string): DriverStatus | undefined {
  const raw = entries[`${NAMESPACE}:${DRIVER_STATUS_KEY}`];
  if (raw === undefined) return undefined;
  const parsed = driverStatusSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`stack "${stack}": switchyard:${DRIVER_STATUS_KEY} is not the driver's status (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}); it is written by Switchyard into a run's effective config only: remove it from the stack file`);
  }
  return parsed.data;
}

/**
 * The validated rollout plan, as a stack output: stack policies see resources, not config, and
 * the root stack resource's outputs are how the policy pack reads the plan.
 */
function rolloutPlan(config: StackConfig) {
  const settings = settingsOf(config.rollout);
  return {
    environment: config.environment,
    strategy: settings.strategy,
    steps: planOf(config.rollout).map((step) => step.weight),
    bakeSeconds: settings.bakeSeconds,
    analysis: { metrics: (config.analysis?.metrics ?? []).map((metric) => metric.name) },
    // The release this run makes serve: a pipeline's stages check it against the stage before (policy).
    release: config.active ? { active: config.active, version: config.slots[config.active]?.version } : undefined,
  };
}

/** What one engine run builds: the stack's intent with the driver's status applied, validated. */
export interface RunInputs {
  readonly stack: string;
  readonly entries: Readonly<Record<string, unknown>>;
  readonly status: DriverStatus | undefined;
  readonly config: StackConfig;
  /** What every target builds from: the weights and the scaled-down slot of this run. */
  readonly common: CommonConfig;
}

/**
 * Reads the run's config (the stack file, or the driver's effective config file) into what a
 * target builds. Exported for programs that build their own resources from Switchyard's config.
 */
export function runInputs(): RunInputs {
  const stack = pulumi.getStack();
  const entries = configEntries();
  const status = driverStatusOf(entries, stack);
  const intent = Object.fromEntries(Object.entries(entries).filter(([key]) => key.startsWith(`${NAMESPACE}:`)).map(([key, value]) => [key.slice(NAMESPACE.length + 1), value]));
  const others = Object.fromEntries(Object.entries(entries).filter(([key]) => !key.startsWith(`${NAMESPACE}:`)));
  const effective = withRelease(intent, status);
  const config = parseStackConfig({ ...others, ...Object.fromEntries(Object.entries(effective).map(([key, value]) => [`${NAMESPACE}:${key}`, value])) }, `stack "${stack}" config`);
  const traffic = effectiveWeights(config, status);
  // A stack file from before the driver's status moved to the backend may still carry `scaledDown`.
  const slots = Object.fromEntries(Object.entries(config.slots).map(([slot, { scaledDown: _retired, ...rest }]) => [slot, rest])) as CommonConfig["slots"];
  const dr = config.dr || status?.regions || status?.dataPrimary ? { config: config.dr ?? drSchema.parse({}), inFlight: status?.regions, dataPrimary: status?.dataPrimary } : undefined;
  return { stack, entries, status, config, common: { service: config.service, traffic, slots, scaledDown: scaledDownSlot(traffic, status), ...(dr ? { dr } : {}) } };
}

export async function switchyardProgram(): Promise<Record<string, unknown>> {
  const { stack, entries, config, common } = runInputs();
  const block = (config as Record<string, unknown>)[config.target];
  return {
    target: config.target,
    service: config.service,
    ...loadTarget(config.target).build(common, block, stack),
    rolloutPlan: rolloutPlan(config),
    // Key paths only, for the policy pack (rules/security/plaintext-credentials.ts).
    [PLAINTEXT_CREDENTIALS_OUTPUT]: plaintextCredentialsOf(entries),
  };
}
