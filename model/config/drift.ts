/**
 * `switchyard:drift` in stack config: drift the team knows about and accepts for a while. A rule
 * names resources by URN or type (either may use `*`), a property path, why, and optionally the
 * last day it holds; after that day the drift alarms again, so no exception is forgotten.
 */
import { z } from "zod";

// The engine hands an unquoted YAML date to the program as "2099-12-31 00:00:00 +0000 UTC".
const ENGINE_DATE = /^(\d{4}-\d{2}-\d{2}) 00:00:00 \+0000 UTC$/;
const isoDate = z.preprocess(
  (value) => (typeof value === "string" ? value.replace(ENGINE_DATE, "$1") : value),
  z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), {
    message: "must be a real calendar date",
  }),
);

export const ignoreRuleSchema = z
  .strictObject({
    /** The resource's URN; `*` matches any run of characters. */
    urn: z.string().min(1, "must not be empty").optional(),
    /** The resource's type token, e.g. `pulumi-nodejs:dynamic/local:HaproxyWeights`; `*` allowed. */
    type: z.string().min(1, "must not be empty").optional(),
    /** Property path as the drift report prints it (`weights.green`); it covers everything below it; `*` covers the whole resource, deletion included. */
    path: z.string().min(1, "must name a property path, or * for the whole resource"),
    reason: z.string().trim().min(1, "must say why this drift is accepted"),
    /** Last day (UTC) the rule holds; from the next day on the drift alarms again. */
    expires: isoDate.optional(),
  })
  .refine((rule) => rule.urn !== undefined || rule.type !== undefined, { message: "needs a urn or a type to say which resources it covers" });

export const driftSchema = z.strictObject({
  ignore: z.array(ignoreRuleSchema).default([]),
  /**
   * Ask the stack's declared endpoint whether it answers, so that drift never exits 0 over a
   * service that does not serve. Turn off only where the drift job cannot reach the endpoint.
   * @default true
   */
  checkEndpoint: z.boolean().default(true),
});

export type IgnoreRule = z.output<typeof ignoreRuleSchema>;
export type DriftConfig = z.output<typeof driftSchema>;

/** How to fix a bad `switchyard:drift` value, by key (merged into FIXES of model/config/stack.ts). */
export const DRIFT_FIXES: Readonly<Record<string, string>> = {
  drift: "write switchyard:drift as { ignore: [{ urn or type, path, reason, expires: YYYY-MM-DD }] }",
  "drift.checkEndpoint": "true (ask the endpoint) or false (where the drift job cannot reach it)",
  "drift.ignore": "each rule needs urn or type, a path, a reason and optionally expires: YYYY-MM-DD",
};
