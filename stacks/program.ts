/**
 * The Switchyard Pulumi program: reads the validated stack config and builds the components.
 * Runs inline in the driver and, unchanged, under a plain `pulumi up` (see main.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./load-config";
import { loadTarget } from "./targets/load";
import { planOf, settingsOf } from "../model/config/rollout";
import { effectiveTraffic, type StackConfig } from "../model/config/stack";
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
  };
}

function buildTarget(config: StackConfig, stack: string): Record<string, unknown> {
  const common = { service: config.service, traffic: effectiveTraffic(config), slots: config.slots };
  const block = (config as Record<string, unknown>)[config.target];
  return { target: config.target, service: config.service, ...loadTarget(config.target).build(common, block, stack) };
}

export async function switchyardProgram(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const entries = configEntries();
  const config = parseStackConfig(entries, `stack "${stack}" config`);
  // Key paths only, for the policy pack (rules/security/plaintext-credentials.ts).
  return { ...buildTarget(config, stack), rolloutPlan: rolloutPlan(config), [PLAINTEXT_CREDENTIALS_OUTPUT]: plaintextCredentialsOf(entries) };
}
