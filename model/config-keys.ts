/**
 * Where a stack's file is, the namespace of Switchyard's keys in it and the key the driver's
 * status travels in: without zod or the schemas, so that the driver's first engine call
 * (drift's early questions) loads neither.
 */
import * as path from "node:path";

export const NAMESPACE = "switchyard";

export const stackFilePath = (workDir: string, stackName: string) => path.join(workDir, "stacks", `Pulumi.${stackName}.yaml`);

/** The config key (under `switchyard:`) the driver's status travels in; only effective config files have it. */
export const DRIVER_STATUS_KEY = "driverStatus";
