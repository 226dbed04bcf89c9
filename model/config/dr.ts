/**
 * `switchyard:dr`: disaster recovery as intent. People write which region serves (`primary`);
 * `switchyard failover`, `failback` and `drill` move traffic between the two regions through the
 * engine, keeping the regional weights in flight in the driver's status (the backend), never in
 * this file. A completed failover stays in the status until the file names the new primary
 * (the analogue of a rollback's re-applied release). The target knows its two regions (the
 * clouds' `region` and `dr.standbyRegion`, the local target's `regions`) and checks `primary`
 * against them.
 */
import { z } from "zod";
import { durationSchema } from "./analysis";

const percent = z.number().int("must be a whole percentage").min(1, "must be 1 or more").max(100, "must be 100 or less");

export const drSchema = z.strictObject({
  /** The region that serves all traffic in the steady state. @default the target's first region */
  primary: z.string().min(1, "must name one of the target's two regions").optional(),
  failover: z
    .strictObject({
      /** The standby's share at each step; the last must be 100. @default [100]: at once */
      steps: z
        .array(percent)
        .min(1, "must list at least one share")
        .refine((steps) => steps.at(-1) === 100, { message: "must end at 100: a failover ends with the standby serving all traffic" })
        .refine((steps) => steps.every((s, i) => i === 0 || s > steps[i - 1]!), { message: "must increase step by step" })
        .default([100]),
      /** How long each step holds while the standby is analysed. */
      bake: durationSchema.default(5_000),
      /** Promote the standby's data replicas (where the platform needs it) once it serves all traffic. @default true */
      promoteData: z.boolean().default(true),
    })
    .default({ steps: [100], bake: 5_000, promoteData: true }),
  /** `switchyard watch`: fail over by itself after `failureLimit` failed measurements of the primary in a row. */
  watch: z
    .strictObject({
      interval: durationSchema.refine((ms) => ms >= 100, { message: "must be 100ms or longer" }).default(1_000),
      failureLimit: z.number().int("must be a whole number").min(1, "must be 1 or more").max(100, "must be at most 100").default(3),
    })
    .default({ interval: 1_000, failureLimit: 3 }),
  /** `switchyard drill`: the standby's share during the rehearsal and how long it holds. */
  drill: z
    .strictObject({
      share: percent.default(100),
      hold: durationSchema.default(10_000),
    })
    .default({ share: 100, hold: 10_000 }),
  objectives: z
    .strictObject({
      rpoSeconds: z.number().int("must be whole seconds").min(0, "must be 0 or more"),
      rtoSeconds: z.number().int("must be whole seconds").min(1, "must be at least 1"),
    })
    .optional(),
});

export type DrConfig = z.output<typeof drSchema>;

export { allOnRegion, effectiveRegionWeights, primaryRegion, servingRegion, standbyOf, UnknownRegionError } from "../regions";
export type { RegionPair, RegionWeights } from "../regions";
