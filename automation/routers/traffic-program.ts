/**
 * The program a traffic step runs, guarded: the step is a targeted update, and the engine
 * deletes a targeted resource that the program does not declare. So the program's own
 * `trafficUrns` must name every target before it returns; if one is missing the program fails,
 * and the engine, which plans deletes only after a program succeeds, deletes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";

export class TrafficProgramError extends Error {}

/** The value of an output inside a running program (URNs are known in previews and updates alike). */
const valueOf = <T>(input: pulumi.Input<T>): Promise<T> => new Promise((resolve) => pulumi.output(input).apply((value) => resolve(value as T)));

/** The outputs' URNs a targeted update may touch: the slots' traffic resources by default. */
type DeclaredUrns = (outputs: Record<string, unknown> | undefined) => unknown;
const slotTrafficUrns: DeclaredUrns = (outputs) => outputs?.trafficUrns;

export function guardedTrafficProgram(program: PulumiFn, targets: readonly string[], declaredOf: DeclaredUrns = slotTrafficUrns): PulumiFn {
  return async () => {
    const outputs = (await program()) as Record<string, unknown> | undefined;
    const declared = new Set<string>(await valueOf((declaredOf(outputs) ?? []) as pulumi.Input<string[]>));
    const missing = targets.filter((urn) => !declared.has(urn));
    if (missing.length > 0) {
      throw new TrafficProgramError(
        `the traffic program does not declare ${missing.join(", ")}; stopping before the engine could delete ${missing.length === 1 ? "it" : "them"}: ` +
          "a traffic program must build every traffic resource the stack exports in trafficUrns",
      );
    }
    return outputs;
  };
}
