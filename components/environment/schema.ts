/**
 * Zod schemas for the slot settings every cloud target reads from its `switchyard:<target>` block.
 * They mirror the component args (slots.ts), so a config error is reported with its key before
 * any component runs; the components still validate their own args.
 */
import { z } from "zod";

const seconds = (what: string) => z.number({ message: `${what} must be a number of seconds` }).int(`${what} must be whole seconds`);

export const healthCheckSchema = z.strictObject({
  path: z.string({ message: "is required: the HTTP path that answers 2xx when healthy" }).regex(/^\//, 'must start with "/", e.g. "/healthz"'),
  port: z.number().int().min(1).max(65535, "must be a port from 1 to 65535").optional(),
  intervalSeconds: seconds("intervalSeconds").min(5, "must be at least 5").max(300, "must be at most 300").optional(),
  timeoutSeconds: seconds("timeoutSeconds").min(2, "must be at least 2").max(120, "must be at most 120").optional(),
  healthyThreshold: z.number().int().min(2, "must be at least 2").max(10, "must be at most 10").optional(),
  unhealthyThreshold: z.number().int().min(1, "must be at least 1").max(10, "must be at most 10").optional(),
}, { message: "is required: an object such as { path: /healthz }" });

const count = z.number({ message: "must be a whole number of instances" }).int("must be a whole number").min(1, "must be at least 1 (the driver scales an idle slot to 0 itself after a blue-green switch)").max(1000, "must be at most 1000");
export const capacitySchema = z.strictObject({ blue: count, green: count });

/**
 * `scaleDownIdleSlot` was a target setting; scaling the idle slot down is the driver's now (its
 * status, set after a blue-green switch's `scaleDownDelay`). A file that still has it is refused
 * with the way out rather than half-honoured.
 */
export const retiredScaleDownSchema = z
  .unknown()
  .refine((value) => value === undefined, { message: "is no longer a setting: the driver scales the idle slot down itself after a blue-green switch" })
  .optional();

/**
 * An image repository as the distribution reference grammar has it: an optional registry host
 * (with a port), then lowercase path components separated by `.`, `_`, `__` or dashes. No
 * cluster or cloud checks this when a workload is declared (the Kubernetes API server stores any
 * non-empty string): a bad reference is found only when a node pulls it, after the rollout began.
 */
const ALNUM = "[a-z0-9]+";
const PATH_COMPONENT = `${ALNUM}(?:(?:[._]|__|-+)${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
export const IMAGE_REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** A tag: what a slot's version becomes on a container target. */
export const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;

export const imageSchema = z
  .string({ message: "is required: the image repository (the slot version is its tag)" })
  .min(1, "must not be empty")
  .refine((s) => !/:[^/]+$/.test(s), { message: "must not carry a tag: the tag comes from switchyard:slots.<slot>.version" })
  .refine((s) => /:[^/]+$/.test(s) || (s.length <= 255 && IMAGE_REPOSITORY.test(s)), {
    message: "is not a valid image repository: lowercase path components (letters, digits, '.', '_', '-') after an optional registry host, e.g. ghcr.io/org/app",
  });
