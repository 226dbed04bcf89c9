/**
 * The stack config schema: everything a user writes under the `switchyard:` namespace of
 * `stacks/Pulumi.<stack>.yaml`. The driver validates it before any engine call; the program
 * parses it again, so a plain `pulumi up` gets the same checks.
 */
import { z } from "zod";
import { analysisSchema } from "./analysis";
import { rolloutSchema, settingsOf, type RolloutConfig } from "./rollout";
import { driftSchema, DRIFT_FIXES } from "./drift";
import { drSchema, UnknownRegionError } from "./dr";
import { LOCAL_FIXES, localRegionPair, localSchema } from "./local";

export { localSchema };

import { NAMESPACE } from "../config-keys";
export { NAMESPACE };

const percentage = z.number().int("must be a whole percentage").min(0, "must be 0 or more").max(100, "must be 100 or less");

export const weightsSchema = z
  .strictObject({ blue: percentage, green: percentage })
  .refine((w) => w.blue + w.green === 100, { message: "blue + green must add up to 100" });

const slotSchema = z.strictObject({
  /** The artifact version this slot runs (the sample service reports it). */
  version: z.string().min(1, "must not be empty"),
  /** Local target only: share of requests the sample service fails on purpose (0..1). */
  failureRate: z.number().min(0, "must be 0 or more").max(1, "must be 1 or less").default(0),
  /** Local target only: latency added to each response, in ms. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /**
   * Written by Switchyard before the driver's status moved to the backend; ignored now (the
   * loader warns): the driver keeps which slot is scaled down with the rollout record.
   */
  scaledDown: z.boolean().optional(),
});

export const CLOUD_TARGETS = ["aws", "gcp", "azure", "kubernetes", "multicloud"] as const;
export const TARGETS = ["local", ...CLOUD_TARGETS] as const;
export type CloudTarget = (typeof CLOUD_TARGETS)[number];
export type Target = (typeof TARGETS)[number];

export const stackConfigSchema = z
  .strictObject({
    target: z.enum(TARGETS, { message: `must be one of: ${TARGETS.join(", ")}` }),
    service: z.string().regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, "must be a DNS label: lowercase letters, digits and '-', 2 to 40 characters"),
    slots: z.strictObject({ blue: slotSchema, green: slotSchema }),
    /**
     * Weights as written, when there is no `active`. With `active` the driver moves traffic and
     * keeps the weights in flight in the backend; a `traffic` key beside `active` is ignored.
     */
    traffic: weightsSchema.optional(),
    /** The slot that should serve all traffic once the rollout completes; absent: weights are applied as written. */
    active: z.enum(["blue", "green"], { message: "must be blue or green" }).optional(),
    /** Kind of environment; policy is stricter in production. */
    environment: z.enum(["production", "staging", "development"], { message: "must be production, staging or development" }).default("development"),
    rollout: rolloutSchema.default({ bake: 30_000, scaleDownDelay: 30_000 }),
    analysis: analysisSchema.optional(),
    /** State checkpoints kept in the backend, one taken before every deploy. */
    recovery: z.strictObject({ checkpoints: z.number().int().min(1, "must be 1 or more").max(100, "must be at most 100").default(10) }).default({ checkpoints: 10 }),
    local: localSchema.optional(),
    /** Drift the team accepts for a while: ignore rules read by `switchyard drift`. */
    drift: driftSchema.optional(),
    /** Which region serves, and how failover, watch and drills move traffic (see model/config/dr.ts). */
    dr: drSchema.optional(),
    // Each cloud's block is validated by its target module (stacks/targets/<cloud>.ts), loaded
    // only for the stack's own target: a cloud SDK costs a second or more to load.
    ...Object.fromEntries(CLOUD_TARGETS.map((cloud) => [cloud, z.unknown().optional()])),
  })
  .superRefine((config, ctx) => {
    if (!config.traffic && !config.active) {
      ctx.addIssue({ code: "custom", path: ["traffic"], message: "is required unless switchyard:active names the slot to serve" });
    }
    const strategy = strategyOf(config.rollout);
    for (const phase of ["prePromotion", "postPromotion"] as const) {
      if (config.analysis?.[phase] && strategy !== undefined && strategy !== "blue-green") {
        ctx.addIssue({ code: "custom", path: ["analysis", phase], message: `applies to blue-green rollouts only; a ${strategy} rollout runs every metric at every step` });
      }
    }
    if (config.target === "local" && !config.local) {
      ctx.addIssue({ code: "custom", path: ["local"], message: "is required when target is local" });
    }
    // The local block names its regions here; a cloud's primary is checked by its target module.
    const regions = config.target === "local" && config.local ? localRegionPair(config.local) : undefined;
    if (regions && config.dr?.primary !== undefined && !regions.includes(config.dr.primary)) {
      ctx.addIssue({ code: "custom", path: ["dr", "primary"], message: new UnknownRegionError(config.dr.primary, regions).message });
    }
    for (const cloud of CLOUD_TARGETS) {
      if (config.target === cloud && (config as Record<string, unknown>)[cloud] === undefined) {
        ctx.addIssue({ code: "custom", path: [cloud], message: `is required when target is ${cloud}` });
      }
    }
  });

/** The rollout's strategy; undefined when its own block is invalid (reported there). */
function strategyOf(rollout: RolloutConfig): string | undefined {
  try {
    return settingsOf(rollout).strategy;
  } catch {
    return undefined;
  }
}

export type StackConfig = z.output<typeof stackConfigSchema>;
export type StackConfigInput = z.input<typeof stackConfigSchema>;

/** How to fix each kind of problem, by the key it is under; shown under the error. */
export const FIXES: Readonly<Record<string, string>> = {
  target: `set switchyard:target to one of ${TARGETS.join(", ")}`,
  service: "use a short lowercase name such as checkout-api",
  "slots.blue.version": "set the artifact version this slot runs, e.g. \"1.4.2\"",
  "slots.green.version": "set the artifact version this slot runs, e.g. \"1.4.2\"",
  traffic: "give whole percentages that add up to 100, e.g. { blue: 90, green: 10 }",
  active: "set switchyard:active to the slot that should serve all traffic after the rollout",
  rollout: "see the Rollouts section of README.md",
  analysis: "see the Analysis section of README.md",
  aws: "add a switchyard:aws block (see stacks/Pulumi.aws.yaml)",
  gcp: "add a switchyard:gcp block (see stacks/Pulumi.gcp.yaml)",
  azure: "add a switchyard:azure block (see stacks/Pulumi.azure.yaml)",
  kubernetes: "add a switchyard:kubernetes block (see stacks/Pulumi.kubernetes.yaml)",
  multicloud: "add a switchyard:multicloud block (see stacks/Pulumi.multicloud.yaml)",
  ...LOCAL_FIXES,
  ...DRIFT_FIXES,
  dr: "see the Disaster recovery section of README.md",
  "dr.primary": "name one of the stack's two regions, the one that should serve",
  "dr.failover.steps": "list the standby's share at each step, increasing and ending at 100, e.g. [50, 100]",
  ...Object.fromEntries(
    ["aws", "gcp", "azure", "kubernetes"].map((target) => [
      `${target}.scaleDownIdleSlot`,
      "delete it, and set switchyard:rollout.scaleDownDelay (blue-green) for how long the old slot stays up before the driver scales it to 0",
    ]),
  ),
  driverStatus: "remove it: the driver's status lives in the backend and reaches the engine in a run's effective config, never in the stack file",
};

/**
 * Keys an earlier Switchyard wrote into the stack file, now kept in the backend: they are ignored,
 * and the loader says so, once per command, so people can delete them.
 */
export function legacyDriverKeys(values: Readonly<Record<string, unknown>>): string[] {
  const found: string[] = [];
  if (values.active !== undefined && values.traffic !== undefined) found.push(`${NAMESPACE}:traffic`);
  const slots = (values.slots ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const slot of ["blue", "green"]) {
    if (slots[slot]?.scaledDown !== undefined) found.push(`${NAMESPACE}:slots.${slot}.scaledDown`);
  }
  return found;
}


