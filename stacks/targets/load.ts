/**
 * Loads the target module of one target on demand: each cloud's pulls in its cloud SDK, which
 * costs a second or more, so a stack only pays for its own target.
 */
import type { z } from "zod";
import type { CloudTarget, Target } from "../../model/config/stack";
import type { TargetDefinition } from "./types";

export function loadTarget(target: Target): TargetDefinition<z.ZodType> {
  return target === "local" ? require("./local").localTarget : loadCloudTarget(target);
}

export function loadCloudTarget(cloud: CloudTarget): TargetDefinition<z.ZodType> {
  switch (cloud) {
    case "aws":
      return require("./aws").awsTarget;
    case "gcp":
      return require("./gcp").gcpTarget;
    case "azure":
      return require("./azure").azureTarget;
    case "kubernetes":
      return require("./kubernetes").kubernetesTarget;
    case "multicloud":
      return require("./multicloud").multicloudTarget;
  }
}
