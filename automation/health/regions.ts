/**
 * Health of a stack's two regions: the regional split as the data plane serves it against what
 * state (or a move in flight) declares, and each region's own answer. A standby that does not
 * answer is degraded even while users are served: a failover now would be refused, so DR
 * readiness is lost. Findings are a pure function of the observations.
 */
import type { RegionWeights } from "../../model/config/dr";
import { describeRegionWeights } from "../../model/regions";
import type { RegionsOutputs } from "../../model/outputs";
import type { Answer, Finding } from "./model";

export interface RegionObservations {
  readonly names: readonly string[];
  /** What state's outputs say the split applies. */
  readonly declared: RegionWeights;
  /** Splits a regional move in progress may have on the data plane (its last and next step). */
  readonly inFlight: readonly RegionWeights[];
  /** The split read from the data plane; undefined: this target cannot be read from here. */
  readonly live?: RegionWeights | { readonly error: string };
  /** Each region's own entry point and its answers. */
  readonly answers: Readonly<Record<string, readonly Answer[]>>;
}

const ok = (a: Answer) => a.status !== undefined && a.status >= 200 && a.status < 300;
const same = (a: RegionWeights, b: RegionWeights, names: readonly string[]) => names.every((n) => (a[n] ?? 0) === (b[n] ?? 0));
const why = (answers: readonly Answer[]) => answers.filter((a) => !ok(a)).map((a) => (a.status === undefined ? `no answer (${a.error ?? "?"})` : `HTTP ${a.status}`))[0] ?? "not probed";

export function regionFindings(obs: RegionObservations, stack: string): Finding[] {
  const findings: Finding[] = [];
  const live = obs.live && !("error" in obs.live) ? obs.live : undefined;
  if (obs.live && "error" in obs.live) {
    findings.push({ level: "degraded", subject: "regions", message: `the regional split cannot be read: ${obs.live.error}`, fix: `switchyard deploy --stack ${stack} recreates what is gone` });
  } else if (live && !same(live, obs.declared, obs.names) && !obs.inFlight.some((w) => same(live, w, obs.names))) {
    findings.push({ level: "degraded", subject: "regions", message: `the regional split serves ${describeRegionWeights(live)}, state records ${describeRegionWeights(obs.declared)}`, fix: `run switchyard drift --stack ${stack} to see what changed` });
  }
  const split = live ?? obs.declared;
  for (const region of obs.names) {
    const answers = obs.answers[region] ?? [];
    if (answers.length > 0 && answers.every(ok)) continue;
    const serving = (split[region] ?? 0) > 0;
    findings.push({
      level: "degraded",
      subject: `region ${region}`,
      message: serving
        ? `${region} takes ${split[region]}% of traffic but its own endpoint gives no good answer: ${why(answers)}`
        : `the standby ${region} gives no good answer (${why(answers)}): a failover now would be refused`,
      fix: serving ? `switchyard failover --stack ${stack} moves traffic to the other region if it is healthy` : `switchyard deploy --stack ${stack} recreates what is gone`,
    });
  }
  return findings;
}

/** The observations, read from the data plane; `inFlight` comes from the move record. */
export async function observeRegions(
  regions: RegionsOutputs,
  inFlight: readonly RegionWeights[],
  probes: { readonly get: (url: string) => Promise<Answer>; readonly live: () => Promise<RegionWeights | undefined> },
  healthPath = "/healthz",
): Promise<RegionObservations> {
  const [live, answers] = await Promise.all([
    probes.live().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) })),
    Promise.all(regions.names.map(async (name) => [name, [await probes.get(new URL(healthPath, regions.endpoints[name]).toString())]] as const)),
  ]);
  return { names: regions.names, declared: regions.weights, inFlight, live, answers: Object.fromEntries(answers) };
}
