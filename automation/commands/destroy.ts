/**
 * `destroy`: removes every resource of the stack with the engine (refreshing first, so that what
 * died behind its back does not stop it), clears the rollout record, and for the local target
 * stops what the engine no longer knows and checks that nothing listens on the stack's ports.
 * The stack itself, its history and its releases stay: `deploy` starts over from them.
 */
import { ProtectedStackError, LeftoverError, RolloutInProgressError } from "../../model/errors";
import { INVENTORY_KEY } from "../drift/inventory";
import { ExitCode } from "../exit-codes";
import { buildReport } from "../report/build";
import { isActive, ownerAlive, ROLLOUT_KEY, type RolloutRecord } from "../rollout/record";
import { openRolloutSession } from "../rollout/session";
import { portsStillListening, stopLeftovers, type LocalFootprint } from "../local/leftovers";
import { localListeners } from "../../stacks/targets/local";
import type { CommandContext } from "./context";
import type { CommandResult } from "./deploy";

export interface DestroyOptions {
  /** Destroy a stack marked production. */
  readonly force: boolean;
}

export async function destroy(ctx: CommandContext, options: DestroyOptions): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  const { config } = session;
  if (config.environment === "production" && !options.force) throw new ProtectedStackError(ctx.stack, "destroy");
  const stored = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
  if (stored && isActive(stored.value) && ownerAlive(stored.value.owner)) {
    throw new RolloutInProgressError(ctx.stack, stored.value.id, `${stored.value.owner!.host} pid ${stored.value.owner!.pid}`);
  }
  const onOutput = (line: string) => ctx.progress(line);
  const result = await session.opened.run("destroy", (stack) => stack.destroy({ refresh: true, onOutput }));
  // A rollout of resources that no longer exist has nothing left to resume or abort.
  if (stored) await session.store.delete(ROLLOUT_KEY);
  // Nothing is meant to run any more: nothing can go missing.
  await session.store.delete(INVENTORY_KEY);

  const notes = [`${result.summary.resourceChanges?.delete ?? 0} resource(s) deleted`];
  if (config.target === "local" && config.local) {
    // One footprint per HAProxy: the stack's, or each region's and the front's (own address, own run dir).
    const footprints: LocalFootprint[] = localListeners(config, ctx.stack).map((listener) => ({ service: config.service, ...listener }));
    for (const footprint of footprints) {
      for (const leftover of await stopLeftovers(footprint)) notes.push(`stopped ${leftover.what} (pid ${leftover.pid}), which the stack's state no longer listed`);
    }
    const stillListening = [];
    for (const footprint of footprints) {
      const listening = await portsStillListening(footprint);
      if (listening.length > 0) stillListening.push(`${footprint.address} port(s) ${listening.join(", ")}`);
    }
    if (stillListening.length > 0) throw new LeftoverError(ctx.stack, `something still listens on ${stillListening.join(" and ")}`);
    const where = footprints.map((f) => `${f.address}:${[f.ports.listen, f.ports.blue, f.ports.green].filter((p) => p !== undefined).join("/")}`);
    notes.push(`nothing listens on ${where.join(", ")} any more`);
  }
  const report = buildReport({
    command: "destroy",
    stack: ctx.stack,
    environment: config.environment,
    startedAt: started,
    status: "success",
    message: notes.join("; "),
    nextSteps: [`switchyard deploy --stack ${ctx.stack}   # starts over`],
  });
  return { report, exitCode: ExitCode.Done };
}
