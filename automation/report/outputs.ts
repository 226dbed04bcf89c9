/** Reads the program's stack outputs; secret outputs are never shown. */
import type { OutputMap } from "@pulumi/pulumi/automation";

export function programOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, out]) => [key, out.secret ? "[secret]" : out.value]));
}
