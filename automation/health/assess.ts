/**
 * The health verdict of a deployed stack, from what the probes observed. Pure: a table of rules,
 * each adding findings; the worst finding decides. `down` means users get no good answer;
 * `degraded` means they do, but something declared is not as declared (or cannot be shown to
 * be), so the next rollout or rollback may fail; `healthy` needs every check to pass.
 * Engine locks and interrupted updates are notes: they concern the records, not what serves,
 * which is observed directly.
 */
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import type { Answer, Finding, HealthAssessment, Observations, Verdict } from "./model";
import { kubernetesFindings } from "./kubernetes";

const ok = (answer: Answer) => answer.status !== undefined && answer.status >= 200 && answer.status < 300;
const pct = (w: Weights) => `blue ${w.blue}% / green ${w.green}%`;
const sameWeights = (a: Weights, b: Weights) => a.blue === b.blue && a.green === b.green;

/** The slots state sends traffic to (or a rollout in flight does); all running ones when weights are unknown. */
export function servingSlots(obs: Pick<Observations, "declared" | "rollout">): Slot[] {
  const weights = obs.declared.weights;
  const inFlight = obs.rollout?.inFlight ?? [];
  return SLOTS.filter((slot) => (weights ? weights[slot] > 0 || inFlight.some((w) => w[slot] > 0) : obs.declared.running.includes(slot)));
}

function describeFailures(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers.filter((a) => !ok(a))) {
    const key = answer.status === undefined ? `no answer (${answer.error ?? "no reason given"})` : `HTTP ${answer.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${n}× ${what}`).join(", ");
}

function endpointFindings(obs: Observations): Finding[] {
  if (!obs.endpoint) {
    return [{ level: "degraded", subject: "endpoint", message: "the stack has no endpoint output, so what serves cannot be checked", fix: `deploy the stack` }];
  }
  const { url, answers } = obs.endpoint;
  const good = answers.filter(ok);
  const findings: Finding[] = [];
  if (answers.length === 0 || good.length === 0) {
    const fix = obs.target === "local" ? "see the other findings; `switchyard deploy` recreates what is gone" : "check the service and its load balancer";
    return [{ level: "down", subject: "endpoint", message: `${url} gave no good answer: ${describeFailures(answers) || "not probed"}`, fix }];
  }
  if (good.length < answers.length) {
    findings.push({ level: "degraded", subject: "endpoint", message: `${url}: ${answers.length - good.length} of ${answers.length} requests failed (${describeFailures(answers)})` });
  }
  const serving = servingSlots(obs);
  for (const answer of good) {
    if (answer.slot === undefined) {
      if (obs.answersNameSlot) findings.push({ level: "degraded", subject: "endpoint", message: `${url} answered without naming its slot, so which release serves is unknown` });
      continue;
    }
    const slot = answer.slot as Slot;
    if (!SLOTS.includes(slot)) {
      findings.push({ level: "degraded", subject: "endpoint", message: `${url} answered from an unknown slot "${answer.slot}"` });
    } else if (!serving.includes(slot)) {
      findings.push({ level: "degraded", subject: "endpoint", message: `${url} answered from ${slot}, which state gives no traffic (${obs.declared.weights ? pct(obs.declared.weights) : "weights unknown"})`, fix: "run `switchyard drift` to see what changed" });
    } else if (answer.version !== undefined && obs.declared.versions[slot] !== undefined && answer.version !== obs.declared.versions[slot]) {
      findings.push({ level: "degraded", subject: "endpoint", message: `${url} answered from ${slot} with version ${answer.version}, state records ${obs.declared.versions[slot]}` });
    }
  }
  return dedupe(findings);
}

function proxyFindings(obs: Observations): Finding[] {
  const findings: Finding[] = [];
  if (obs.proxyProcess && !obs.proxyProcess.alive) {
    findings.push({ level: "degraded", subject: "haproxy", message: obs.proxyProcess.pid ? `HAProxy (pid ${obs.proxyProcess.pid}) is not running` : "state records no HAProxy process", fix: "`switchyard deploy` starts it again" });
  }
  if (obs.proxyConfig && obs.proxyConfig.found !== "as-declared") {
    const what = obs.proxyConfig.found === "missing" ? "is gone" : "differs from what the stack declares";
    findings.push({ level: "degraded", subject: "haproxy", message: `HAProxy's configuration ${obs.proxyConfig.path} ${what}: the next reload or restart would serve it`, fix: "`switchyard drift --fix revert` (or deploy) writes it back" });
  }
  if (!obs.proxy) return findings;
  if ("error" in obs.proxy) {
    findings.push({ level: "degraded", subject: "haproxy", message: `HAProxy's runtime API cannot be read: ${obs.proxy.error}` });
    return findings;
  }
  const serving = servingSlots(obs);
  for (const slot of SLOTS) {
    const server = obs.proxy.servers[slot];
    const runs = obs.declared.running.includes(slot);
    if (!server) {
      findings.push({ level: "degraded", subject: "haproxy", message: `HAProxy has no server for ${slot}` });
    } else if (runs && !server.status.startsWith("UP")) {
      const role = serving.includes(slot) ? "it should serve traffic" : "a rollback or the next release needs it";
      findings.push({ level: "degraded", subject: slot, message: `HAProxy reports ${slot}'s server ${server.status}: ${role}` });
    } else if (!runs && server.weight > 0) {
      findings.push({ level: "degraded", subject: slot, message: `${slot} is scaled down, yet HAProxy gives its server weight ${server.weight}` });
    }
  }
  return findings;
}

function workloadFindings(obs: Observations): Finding[] {
  if (!obs.workloads) return [];
  const findings: Finding[] = [];
  for (const slot of obs.declared.running) {
    const workload = obs.workloads[slot];
    const process = workload?.process;
    if (process && !process.alive) {
      findings.push({
        level: "degraded",
        subject: slot,
        message: process.pid ? `workload ${slot} (pid ${process.pid}) is not running` : `state records no workload process for ${slot}`,
        fix: "`switchyard deploy` starts it again",
      });
      continue;
    }
    const answer = workload?.answer;
    if (!answer) continue;
    if (!ok(answer)) {
      findings.push({ level: "degraded", subject: slot, message: `workload ${slot} does not answer on ${workload?.url ?? "its endpoint"}: ${describeFailures([answer])}` });
    } else if (answer.version !== undefined && obs.declared.versions[slot] !== undefined && answer.version !== obs.declared.versions[slot]) {
      findings.push({ level: "degraded", subject: slot, message: `workload ${slot} answers version ${answer.version}, state records ${obs.declared.versions[slot]}` });
    }
  }
  return findings;
}

function weightFindings(obs: Observations): Finding[] {
  const declared = obs.declared.weights;
  const live = obs.liveWeights;
  if (obs.liveWeightsError) {
    return [{ level: "degraded", subject: "weights", message: `the live weights cannot be read: ${obs.liveWeightsError}`, fix: "run `switchyard drift` to see what changed; `switchyard deploy` recreates what is gone" }];
  }
  if (!live) {
    // The local target always reads back (a failure is a haproxy finding); clouds cannot here.
    return obs.target === "local" ? [] : [{ level: "note", subject: "weights", message: `live weights are not read back on ${obs.target}; state records ${declared ? pct(declared) : "none"}` }];
  }
  if (!declared || sameWeights(live, declared)) return [];
  if (obs.rollout?.inFlight.some((w) => sameWeights(live, w))) {
    return [{ level: "note", subject: "weights", message: `the data plane serves ${pct(live)}, state records ${pct(declared)}: rollout ${obs.rollout.id} has that split in flight` }];
  }
  return [{ level: "degraded", subject: "weights", message: `the data plane serves ${pct(live)}, state records ${pct(declared)}`, fix: "run `switchyard drift` to see what changed; `switchyard deploy` puts the declared weights back" }];
}

function engineFindings(obs: Observations, stack: string): Finding[] {
  const findings: Finding[] = [];
  const lock = obs.engine.lock;
  if (lock?.stale) {
    findings.push({ level: "note", subject: "engine", message: `a stale engine lock is left by ${lock.holder}, which no longer runs`, fix: `switchyard recover --stack ${stack}` });
  } else if (lock) {
    findings.push({ level: "note", subject: "engine", message: `an engine update holds the stack's lock: ${lock.holder}` });
  } else if (!obs.engine.lockChecked) {
    findings.push({ level: "note", subject: "engine", message: "the engine's lock cannot be read on this backend; not checked" });
  }
  if (obs.engine.pending.length > 0) {
    findings.push({ level: "note", subject: "engine", message: `the last update was interrupted: ${obs.engine.pending.join("; ")}`, fix: `switchyard recover --stack ${stack} (deploy also settles it first)` });
  }
  return findings;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.message) && seen.add(f.message));
}

const RANK: Record<Finding["level"], number> = { down: 2, degraded: 1, note: 0 };

export function assessHealth(obs: Observations, stack = "<stack>"): HealthAssessment {
  const cluster = obs.kubernetes ? kubernetesFindings(obs.kubernetes, { weights: obs.declared.weights, versions: obs.declared.versions, capacities: obs.capacities }) : [];
  return assessmentOf([...endpointFindings(obs), ...proxyFindings(obs), ...workloadFindings(obs), ...weightFindings(obs), ...cluster, ...engineFindings(obs, stack)]);
}

/** The verdict of findings, from whatever observed them: the worst decides; problems worst first. */
export function assessmentOf(findings: readonly Finding[]): HealthAssessment {
  const problems = findings.filter((f) => f.level !== "note").sort((a, b) => RANK[b.level] - RANK[a.level]);
  const verdict: Verdict = problems[0]?.level === "down" ? "down" : problems.length ? "degraded" : "healthy";
  return { verdict, problems, notes: findings.filter((f) => f.level === "note") };
}

/** One line per finding, for reports and errors. */
export function describeFinding(finding: Finding): string {
  return `${finding.subject}: ${finding.message}${finding.fix ? ` (${finding.fix})` : ""}`;
}
