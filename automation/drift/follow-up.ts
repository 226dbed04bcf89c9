/**
 * After `--fix accept` state holds the cloud's values, but config and code still declare the old
 * ones: the next deploy would undo the accepted drift. This says, per accepted change, which
 * config key or code must change. Weights map to `switchyard:traffic`; everything else is code.
 */
import type { Slot, Weights } from "../../model/weights";
import { pathSegments } from "./ignore";
import { formatValue } from "./format";
import type { DriftItem } from "./model";

export interface FollowUpContext {
  /** The weights config declares now (switchyard:traffic, or all on switchyard:active). */
  readonly declaredTraffic: Weights;
  /** switchyard:active, when set. */
  readonly active?: Slot;
  readonly trafficUrns: readonly string[];
}

const slotOf = (path: string | undefined): Slot | undefined => {
  const segments = path ? pathSegments(path) : [];
  return segments.length === 2 && segments[0] === "weights" && (segments[1] === "blue" || segments[1] === "green") ? segments[1] : undefined;
};

/** Relative weights (HAProxy's) as the whole percentages config takes, the same split. */
export function asPercentages(weights: Weights): Weights | undefined {
  const sum = weights.blue + weights.green;
  if (sum <= 0) return undefined;
  if (sum === 100) return weights;
  const blue = Math.round((100 * weights.blue) / sum);
  return { blue, green: 100 - blue };
}

function trafficHint(items: readonly DriftItem[], ctx: FollowUpContext): string | undefined {
  const found: Weights = { ...ctx.declaredTraffic };
  for (const item of items) {
    const slot = slotOf(item.property);
    if (slot && typeof item.found_value === "number") (found as Record<Slot, number>)[slot] = item.found_value;
  }
  const config = asPercentages(found);
  if (!config) return `switchyard:traffic: the cloud sends no traffic to either slot (blue ${found.blue}, green ${found.green}); config needs weights that add up to 100, so accept cannot be kept by config: revert instead`;
  const relative = config === found ? "" : ` (the cloud's blue ${found.blue}, green ${found.green} are relative weights: the same split)`;
  const active = ctx.active ? `; switchyard:active is ${ctx.active}, so a deploy moves traffic toward it: remove switchyard:active to keep this split` : "";
  return `switchyard:traffic: set blue ${config.blue}, green ${config.green}${relative}${active}`;
}

function itemHint(item: DriftItem): string {
  if (item.property === undefined) {
    return `${item.resource} (${item.type}) was deleted outside Pulumi; the program still declares it, so the next deploy creates it again: remove it from the program or its config to keep it gone`;
  }
  if (pathSegments(item.property)[0] === "adminState") {
    return `${item.resource} ${item.property} is ${formatValue(item.found_value)}: no config key sets it; the program sets every server ready (components/traffic/haproxy-split.ts), so the next deploy sets it ready again: change that code to keep it`;
  }
  return `${item.resource} ${item.property}: the cloud has ${formatValue(item.found_value)}, the program declares ${formatValue(item.state_value)}: change the code or config that sets it (${item.type}), or the next deploy restores ${formatValue(item.state_value)}`;
}

export function followUp(items: readonly DriftItem[], ctx: FollowUpContext): string[] {
  const accepted = items.filter((item) => item.class === "drift" && item.source === "cloud");
  const isTrafficWeight = (item: DriftItem) => slotOf(item.property) !== undefined && (ctx.trafficUrns.length === 0 || ctx.trafficUrns.includes(item.urn));
  const weights = accepted.filter(isTrafficWeight);
  const hints = accepted.filter((item) => !isTrafficWeight(item)).map(itemHint);
  const traffic = weights.length ? trafficHint(weights, ctx) : undefined;
  return traffic ? [traffic, ...hints] : hints;
}
