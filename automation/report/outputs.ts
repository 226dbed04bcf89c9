/** Reads the program's stack outputs; secret outputs are never shown. */
import type { OpenedStack } from "../workspace";

/**
 * The stack's outputs in one CLI process (the Automation API's `stack.outputs()` takes two, and
 * selects the stack first). Without --show-secrets the CLI prints a secret as "[secret]".
 */
export async function readStackOutputs(opened: OpenedStack): Promise<Record<string, unknown>> {
  return JSON.parse(await opened.direct("reading outputs", ["stack", "output", "--json"])) as Record<string, unknown>;
}
