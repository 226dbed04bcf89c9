// Entry point for a plain `pulumi up` (Pulumi.yaml `main`); the driver runs switchyardProgram inline.
import * as pulumi from "@pulumi/pulumi";
import { SwitchyardError } from "../model/errors";
import { switchyardProgram } from "./program";

/** A Switchyard error (bad config, say) reads as its message and fix, without a stack trace. */
function asRunError(error: unknown): unknown {
  if (!(error instanceof SwitchyardError)) return error;
  return new pulumi.RunError(error.fix ? `${error.message}\nfix: ${error.fix}` : error.message);
}

// A function: the SDK awaits it, so a rejected program is handled when it happens.
export = async () => {
  try {
    return await switchyardProgram();
  } catch (error) {
    throw asRunError(error);
  }
};
