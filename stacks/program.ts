/**
 * The Switchyard Pulumi program: reads the validated stack config and builds the components.
 * Runs inline in the driver and, unchanged, under a plain `pulumi up` (see main.ts).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./load-config";
import { PROJECT_ROOT, readToolchain } from "../model/toolchain";
import { LocalBlueGreenEnvironment } from "../components/environment/local";
import { loadCloudTarget } from "./targets/load";
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

export const localRunDir = (config: StackConfig, stack: string) =>
  path.resolve(PROJECT_ROOT, config.local?.runDir ?? path.join(".switchyard", "run", stack));

function buildLocal(config: StackConfig, stack: string) {
  const local = config.local!;
  const env = new LocalBlueGreenEnvironment(config.service, {
    service: config.service,
    slots: {
      blue: { ...config.slots.blue, port: local.ports.blue },
      green: { ...config.slots.green, port: local.ports.green },
    },
    weights: effectiveTraffic(config),
    listenPort: local.ports.listen,
    address: local.address,
    runDir: localRunDir(config, stack),
    haproxy: readToolchain().haproxy,
  });
  return {
    target: config.target,
    service: config.service,
    endpoint: env.endpoint,
    weights: env.weights,
    slots: {
      blue: { version: env.versions.blue, endpoint: env.slotEndpoints.blue },
      green: { version: env.versions.green, endpoint: env.slotEndpoints.green },
    },
    trafficUrns: env.split.trafficResources.map((resource) => resource.urn),
    trafficSocket: env.split.socketPath,
    trafficBackend: env.split.backend,
  };
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
  if (config.target === "local") return buildLocal(config, stack);
  const common = {
    service: config.service,
    traffic: effectiveTraffic(config),
    slots: { blue: { version: config.slots.blue.version }, green: { version: config.slots.green.version } },
  };
  const block = (config as Record<string, unknown>)[config.target];
  return { target: config.target, service: config.service, ...loadCloudTarget(config.target).build(common, block, stack) };
}

export async function switchyardProgram(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const entries = configEntries();
  const config = parseStackConfig(entries, `stack "${stack}" config`);
  // Key paths only, for the policy pack (rules/security/plaintext-credentials.ts).
  return { ...buildTarget(config, stack), rolloutPlan: rolloutPlan(config), [PLAINTEXT_CREDENTIALS_OUTPUT]: plaintextCredentialsOf(entries) };
}
