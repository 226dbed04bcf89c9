/**
 * What a plain `pulumi` run leaves out: it gets the stack file alone, never the driver's status
 * (weights in flight, a scaled-down slot, a release a rollback re-applied), so it plans the
 * file's steady state. When the backend holds such a status, the user is told before the engine
 * runs what the plan will differ in. Pure.
 */
import type { DriverStatus } from "../model/driver-status";
import { describeRegionWeights } from "../model/regions";

/** Commands that run the program (and so apply the file's intent without the status). */
const PROGRAM_COMMANDS = new Set(["up", "preview", "refresh", "destroy", "update", "pre"]);

/** Global flags that take a value as the next argument (so that value is not the command). */
const VALUE_FLAGS = new Set(["--stack", "-s", "--cwd", "-C", "--color", "--tracing", "--profiling", "--verbose", "-v"]);

export function runsProgram(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith("-")) return PROGRAM_COMMANDS.has(arg);
  }
  return false;
}

export function plainRunNotice(stackName: string, status: DriverStatus | undefined): string | undefined {
  if (!status) return undefined;
  const held: string[] = [];
  if (status.weights) held.push(`traffic in flight: blue ${status.weights.blue}% / green ${status.weights.green}%${status.rollout ? ` (rollout ${status.rollout})` : ""}`);
  if (status.scaledDown) held.push(`slot ${status.scaledDown} scaled down after a blue-green switch`);
  if (status.release) held.push("a prior release re-applied by a rollback, in place of the file's");
  if (status.regions) held.push(`regional traffic: ${describeRegionWeights(status.regions)} (a failover, failback or drill), not the file's primary`);
  if (status.dataPrimary) held.push(`data replicas promoted in ${status.dataPrimary}`);
  if (held.length === 0) return undefined;
  return [
    `warning: the driver's status for stack "${stackName}" is not applied by plain pulumi commands: ${held.join("; ")}.`,
    "  A plain run plans the stack file's steady state instead (all traffic on `active` in the file's primary region, both slots at capacity, the file's release).",
    `  See \`switchyard status --stack ${stackName}\`; finish or abort a rollout with switchyard before a plain \`up\`.`,
  ].join("\n");
}
