/**
 * No traffic shift inside a freeze window. A shift is a traffic resource whose weights differ
 * from the current state, which the driver passes as `baseline`. Without a baseline (a plain
 * `pulumi preview`) no one can tell, so inside a window any stack with traffic resources fails.
 */
import type { PolicyResource } from "@pulumi/policy";
import { type Baseline, weightsKey } from "../../lib/baseline";
import { violation } from "../../lib/finding";
import { stackRule } from "../../lib/rule";
import { weightSets } from "../../lib/weights";
import { rolloutPlan } from "../../lib/plan";

export interface DateWindow {
  name?: string;
  /** ISO 8601 instants. */
  start: string;
  end: string;
}

export interface WeeklyWindow {
  name?: string;
  days: string[];
  /** "HH:MM" in UTC, `from` before `to`. */
  from: string;
  to: string;
}

interface Config {
  windows: DateWindow[];
  weekly: WeeklyWindow[];
  /** Environments the freeze applies to; a stack without a rollout plan counts as development. */
  environments: string[];
  baseline?: Baseline;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The name of the window `now` falls in, if any. */
export function activeWindow(now: Date, windows: readonly DateWindow[], weekly: readonly WeeklyWindow[]): string | undefined {
  for (const w of windows) {
    const start = Date.parse(w.start);
    const end = Date.parse(w.end);
    if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`freeze window ${w.name ?? w.start}: start and end must be ISO 8601 dates`);
    if (now.getTime() >= start && now.getTime() < end) return w.name ?? `${w.start} – ${w.end}`;
  }
  const day = DAYS[now.getUTCDay()]!;
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  for (const w of weekly) {
    if (w.days.map((d) => d.slice(0, 3).toLowerCase()).includes(day) && minute >= minutes(w.from) && minute < minutes(w.to)) {
      return w.name ?? `${w.days.join("/")} ${w.from}–${w.to} UTC`;
    }
  }
  return undefined;
}

/** Names of the traffic resources whose weights this update changes; undefined when unknowable. */
export function shiftingResources(resources: readonly PolicyResource[], baseline: Baseline | undefined): string[] | undefined {
  const traffic = resources.filter((r) => weightSets(r.type, r.props).length > 0);
  if (!baseline) return traffic.length ? undefined : [];
  return traffic.filter((r) => baseline[r.urn] && baseline[r.urn]!.weights !== weightsKey(weightSets(r.type, r.props))).map((r) => r.name);
}

export function freezeWindowRule(now: () => Date = () => new Date()) {
  return stackRule<Config>({
    name: "rollout-freeze-window",
    description: "No traffic shift inside a freeze window.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Wait until the freeze window ends, or get the freeze lifted in the pack config.",
    defaults: { windows: [], weekly: [], environments: ["production"] },
    schema: {
      windows: { type: "array", items: { type: "object" }, description: "[{ name?, start, end }] ISO 8601 instants" },
      weekly: { type: "array", items: { type: "object" }, description: '[{ name?, days: ["fri"], from: "16:00", to: "23:59" }] UTC' },
      environments: { type: "array", items: { type: "string" } },
      baseline: { type: "object", description: "written by the switchyard driver" },
    },
    check(resources, config, report) {
      const environment = rolloutPlan(resources)?.plan.environment ?? "development";
      if (!config.environments.includes(environment)) return;
      const window = activeWindow(now(), config.windows, config.weekly);
      if (!window) return;
      const shifting = shiftingResources(resources, config.baseline);
      if (shifting === undefined) {
        report(violation(`freeze window "${window}" is active and this run cannot show that no weights change (no baseline)`, "run it through switchyard (npm run policy), which passes the current weights, or wait until the window ends"));
      } else if (shifting.length) {
        report(violation(`freeze window "${window}" is active and this update shifts traffic on ${shifting.join(", ")}`, "keep the current weights until the freeze window ends"));
      }
    },
  });
}

export const rolloutFreezeWindow = freezeWindowRule();
