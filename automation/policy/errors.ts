/** Errors of the policy run, in the project's one hierarchy (see ../errors.ts). */
import { SwitchyardError } from "../../model/errors";

/** The policy pack cannot start: its folder, launcher or dependencies are missing. */
export class PolicySetupError extends SwitchyardError {}

/** The pack config file is unreadable or not a JSON object of rule settings. */
export class PolicyConfigError extends SwitchyardError {}
