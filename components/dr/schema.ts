/** Zod schema of recovery objectives, shared by the targets' `dr` blocks. */
import { z } from "zod";

export const objectivesSchema = z.strictObject({
  rpoSeconds: z.number({ message: "is required: most data loss accepted, in seconds" }).int("must be whole seconds").min(0, "must be 0 or more"),
  rtoSeconds: z.number({ message: "is required: longest outage accepted, in seconds" }).int("must be whole seconds").min(1, "must be at least 1"),
});
