/**
 * `pause`, `resume`, `promote [--full]`, `abort`: act on a rollout from any terminal or machine.
 * When a driver is running, the request goes into the rollout record and the driver acts on it
 * at its next check; when none is (it paused, or died), this command becomes the driver.
 */
import { NoRolloutError, SwitchyardError } from "../../model/errors";
import { ExitCode } from "../exit-codes";
import { buildReport } from "../report/build";
import { thresholdsOf } from "../report/timeline";
import { isActive, ownerAlive, ROLLOUT_KEY, type ControlAction, type RolloutRecord } from "../rollout/record";
import { openRolloutSession, settleDeadDriver, type RolloutSession } from "../rollout/session";
import type { StoredDocument } from "../store/document-store";
import type { CommandContext } from "./context";
import { driveRollout, type CommandResult } from "./deploy";

const POLL_MS = 250;
const PICKUP_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class DriverUnresponsiveError extends SwitchyardError {
  constructor(stack: string, action: string, owner: string) {
    super(`the driver of stack "${stack}" (${owner}) did not take the ${action} request within ${PICKUP_TIMEOUT_MS / 1000} s`, `check that process; if it is gone, run the command again`);
  }
}

async function loadActive(session: RolloutSession, action: string): Promise<StoredDocument<RolloutRecord>> {
  const stored = await session.store.get<RolloutRecord>(ROLLOUT_KEY);
  if (!stored || !isActive(stored.value)) throw new NoRolloutError(session.ctx.stack, action);
  return stored;
}

type DriverAnswer = { readonly kind: "settled"; readonly record: RolloutRecord } | { readonly kind: "driver-gone"; readonly doc: StoredDocument<RolloutRecord>; readonly owner: string };

/**
 * Leaves the request for the running driver and waits until it has acted on it. A driver that
 * dies meanwhile is noticed at the next poll (a driver on this host by its pid, one elsewhere by
 * its heartbeat going stale), and the caller takes over.
 */
async function requestOfDriver(session: RolloutSession, stored: StoredDocument<RolloutRecord>, action: ControlAction): Promise<DriverAnswer> {
  const { store } = session;
  let doc = stored;
  for (;;) {
    try {
      doc = await store.put(ROLLOUT_KEY, { ...doc.value, request: { action, at: new Date().toISOString() } }, doc.revision);
      break;
    } catch {
      doc = await loadActive(session, action);
    }
  }
  session.ctx.progress(`asked the running driver (${doc.value.owner?.host} pid ${doc.value.owner?.pid}) to ${action}\n`);
  const pickupBy = Date.now() + PICKUP_TIMEOUT_MS;
  const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    await sleep(POLL_MS);
    const fresh = (await store.get<RolloutRecord>(ROLLOUT_KEY))!;
    const current = fresh.value;
    if (isActive(current) && !ownerAlive(current.owner)) return { kind: "driver-gone", doc: fresh, owner: ownerName(current) };
    const pickedUp = current.request === undefined;
    if (!pickedUp && Date.now() > pickupBy) {
      throw new DriverUnresponsiveError(session.ctx.stack, action, `${current.owner?.host} pid ${current.owner?.pid}`);
    }
    // Pause and abort are done when the driver stops; promotion as soon as the driver took it.
    const settled = action === "pause" || action === "abort" ? current.status !== "running" : pickedUp;
    if (pickedUp && (settled || Date.now() > settleBy)) return { kind: "settled", record: current };
  }
}

const ownerName = (record: RolloutRecord) => (record.owner ? `${record.owner.host} pid ${record.owner.pid}` : "no driver");

function exitCodeOf(record: RolloutRecord): ExitCode {
  if (record.status === "rolled-back") return ExitCode.RolledBack;
  if (record.status === "paused") return ExitCode.Paused;
  return ExitCode.Done;
}

export async function control(ctx: CommandContext, action: ControlAction): Promise<CommandResult> {
  const started = Date.now();
  const session = await openRolloutSession(ctx, { mustExist: true });
  let stored = await loadActive(session, action);
  const report = (record: RolloutRecord, message: string) =>
    buildReport({
      command: action,
      stack: ctx.stack,
      environment: session.config.environment,
      startedAt: started,
      status: record.status === "succeeded" ? "success" : record.status === "paused" ? "paused" : record.status === "rolled-back" ? "rolled-back" : record.status === "failed" ? "failed" : "running",
      message,
      record,
      thresholds: thresholdsOf(session.config.analysis?.metrics),
      nextSteps: [`switchyard status --stack ${ctx.stack}`],
    });

  let tookOver = "";
  if (ownerAlive(stored.value.owner)) {
    const answer = await requestOfDriver(session, stored, action);
    if (answer.kind === "settled") {
      const { record } = answer;
      return { report: report(record, `the driver took the ${action} request; the rollout is ${record.status}`), exitCode: action === "pause" ? ExitCode.Done : exitCodeOf(record) };
    }
    ctx.progress(`the driver (${answer.owner}) stopped before it acted on the ${action} request; this command takes over\n`);
    tookOver = `the driver (${answer.owner}) stopped before it acted on the request; `;
    stored = answer.doc;
    await settleDeadDriver(stored.value, ctx.progress);
  }

  // No driver runs: this process acts itself.
  switch (action) {
    case "pause": {
      const doc = await session.store.put(ROLLOUT_KEY, { ...stored.value, status: "paused" as const, statusReason: "paused by request", request: undefined, owner: undefined }, stored.revision);
      return { report: report(doc.value, `${tookOver}paused; no driver was running`), exitCode: ExitCode.Done };
    }
    case "abort": {
      const runner = session.runner(stored, () => {});
      const beating = runner.heartbeat();
      try {
        // A driver that died mid-rollback had its reason; the rollback finishes under it.
        await runner.rollback(stored.value.rollingBack ?? "aborted by request");
      } finally {
        beating.stop();
      }
      const result = { report: report(runner.record, `${tookOver}rolled back: traffic on ${runner.record.stableSlot}, prior release re-applied`), exitCode: ExitCode.RolledBack };
      return result;
    }
    case "resume":
      return driveRollout(session, stored, action, started);
    case "promote":
    case "promote-full": {
      const doc = await session.store.put(ROLLOUT_KEY, { ...stored.value, request: { action, at: new Date().toISOString() } }, stored.revision);
      return driveRollout(session, doc, action === "promote" ? "promote" : "promote --full", started);
    }
  }
}
