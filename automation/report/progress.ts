/**
 * Progress of a rollout for people: a live view on a terminal (log-update redraws one block:
 * step i/n, weights, bake countdown, latest measurements), plain lines elsewhere (CI logs).
 */
import { createLogUpdate } from "log-update";
import type { RolloutEvent } from "../rollout/runner";
import type { RolloutRecord } from "../rollout/record";

export interface ProgressView {
  onEvent(event: RolloutEvent): void;
  /** Engine output: shown as plain lines, hidden under the live view. */
  engine(line: string): void;
  done(): void;
}

const pct = (w: { blue: number; green: number }) => `blue ${w.blue}% / green ${w.green}%`;

function line(event: RolloutEvent, total: () => number): string | undefined {
  switch (event.type) {
    case "preparing":
      return "preparing: bringing the new release up on its slot, traffic unchanged";
    case "step-started":
      return `step ${event.index + 1}/${total()} (${event.step.kind}): shifting to ${pct(event.weights)}`;
    case "weights-applied":
      return `step ${event.index + 1}/${total()}: ${pct(event.weights)} applied in ${(event.ms / 1000).toFixed(1)} s${event.verified === true ? ", verified on the data plane" : event.verified === undefined ? " (no data-plane read-back on this target)" : ""}`;
    case "baking":
      return undefined;
    case "analysis":
      return `step ${event.index + 1}/${total()}: analysis ${event.run.phase} — ${event.run.metrics.map((m) => `${m.name}: ${m.message}`).join("; ")}`;
    case "holding":
      return undefined;
    case "scaled-down":
      return `blue-green: the old slot ${event.slot} is scaled down (it runs nothing until its next release)`;
    case "request":
      return `request from another terminal: ${event.action}`;
    case "rollback-started":
      return `rolling back: ${event.reason}`;
    case "rollback-traffic-restored":
      return `rollback: traffic back on the stable slot (${pct(event.weights)}) in ${(event.ms / 1000).toFixed(1)} s; re-applying the prior release`;
    case "finished":
      return `rollout ${event.outcome}${event.reason ? `: ${event.reason}` : ""}`;
  }
}

export function progressView(options: { json: boolean; record: () => RolloutRecord | undefined }): ProgressView {
  const total = () => options.record()?.plan.length ?? 0;
  if (options.json) return { onEvent() {}, engine() {}, done() {} };
  if (!process.stderr.isTTY) {
    return {
      onEvent(event) {
        const text = line(event, total);
        if (text) process.stderr.write(`${text}\n`);
      },
      engine(text) {
        process.stderr.write(text);
      },
      done() {},
    };
  }
  const update = createLogUpdate(process.stderr);
  const history: string[] = [];
  let status = "";
  const draw = () => update([...history.slice(-8), status].filter(Boolean).join("\n"));
  return {
    onEvent(event) {
      if (event.type === "holding") {
        status = `switched — keeping ${event.slot} up for ${Math.ceil(event.remainingMs / 1000)} s (abort switches back)`;
      } else if (event.type === "baking") {
        const record = options.record();
        const w = record?.weights;
        status = `step ${event.index + 1}/${total()} ${w ? pct(w) : ""} — bake ${Math.ceil(event.remainingMs / 1000)} s left`;
      } else {
        const text = line(event, total);
        if (text) history.push(text);
        status = "";
      }
      draw();
    },
    engine() {},
    done() {
      draw();
      update.done();
    },
  };
}
