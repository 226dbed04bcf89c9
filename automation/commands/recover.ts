/**
 * `recover`: settles what an interrupted update left behind (a stale lock, pending operations),
 * or with `--checkpoint ID|latest` puts back a state kept before a deploy — state only.
 */
import { ExitCode } from "../exit-codes";
import { listCheckpoints, restoreCheckpoint } from "../recovery/checkpoints";
import { recoverStack } from "../recovery/recover";
import { openRolloutSession } from "../rollout/session";
import { SwitchyardError } from "../../model/errors";
import type { CommandContext } from "./context";
import type { ListingResult } from "./releases";

export class CheckpointError extends SwitchyardError {}

export async function recover(ctx: CommandContext, flags: { checkpoint?: string }): Promise<ListingResult> {
  const session = await openRolloutSession(ctx, { mustExist: true });
  if (flags.checkpoint) {
    let restored;
    try {
      restored = await restoreCheckpoint(session.opened, session.store, flags.checkpoint);
    } catch (error) {
      if (error instanceof SwitchyardError) throw error;
      throw new CheckpointError((error as Error).message, `list them with: switchyard recover --stack ${ctx.stack} --checkpoint list`);
    }
    const text = [
      `restored the state of ${ctx.stack} from checkpoint ${restored.id} (${restored.at}, before: ${restored.reason}, ${restored.resources} resources).`,
      "This restores state only: nothing in the cloud changed. Run `switchyard drift` to see how the cloud compares,",
      "then `switchyard deploy` to make it match the config.",
    ].join("\n");
    return { document: { stack: ctx.stack, restored }, text, exitCode: ExitCode.Done };
  }
  const checkpoints = await listCheckpoints(session.store);
  const result = await recoverStack(session.opened, ctx.progress);
  const text = [`recovered ${ctx.stack}:`, ...result.actions.map((a) => `  - ${a}`), `checkpoints kept: ${checkpoints.map((c) => c.id).join(", ") || "none"}`].join("\n");
  return { document: { stack: ctx.stack, ...result, checkpoints }, text, exitCode: ExitCode.Done };
}

export async function checkpoints(ctx: CommandContext): Promise<ListingResult> {
  const session = await openRolloutSession(ctx, { mustExist: true });
  const list = await listCheckpoints(session.store);
  const text = list.length
    ? [`state checkpoints of ${ctx.stack} (oldest first):`, ...list.map((c) => `  ${c.id}  ${c.at}  ${c.resources} resources  before ${c.reason}`)].join("\n")
    : `no checkpoint of ${ctx.stack} is kept yet (one is taken before every deploy)`;
  return { document: { stack: ctx.stack, checkpoints: list }, text, exitCode: ExitCode.Done };
}
