// Bootstrap output goes to stderr so that `--json` commands keep stdout to one document.
const quiet = process.env.SWITCHYARD_BOOTSTRAP_QUIET === "1";

export function step(message) {
  if (!quiet) process.stderr.write(`switchyard setup: ${message}\n`);
}

export class SetupError extends Error {
  constructor(message, fix) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
    this.name = "SetupError";
  }
}

/** True where the bootstrap may install system packages itself. */
export function mayInstallSystemPackages() {
  return process.env.CI === "true" || (typeof process.getuid === "function" && process.getuid() === 0);
}
