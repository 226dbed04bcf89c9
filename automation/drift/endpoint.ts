/**
 * Does the stack's declared endpoint answer? Resources can all match state while nothing serves
 * (a change the providers cannot read), so drift asks the data plane too. The answer becomes a
 * cloud observation of a pseudo-resource, so ignore rules and the report treat it like any other.
 */
import { urlOf } from "../health/collect";
import { getAnswer } from "../health/probes";
import type { Observation } from "./model";

export const ENDPOINT_TYPE = "switchyard:data-plane:Endpoint";
export const endpointUrn = (url: string) => `urn:switchyard:endpoint::${url}`;
/** Pseudo-resources are observed, never targeted by an engine fix. */
export const isPseudoUrn = (urn: string) => urn.startsWith("urn:switchyard:");

const TIMEOUT_MS = 2000;
const PAUSE_MS = 200;

export interface ProbePatience {
  /** At least this many requests before giving up. */
  readonly tries: number;
  /** And keep asking until this long has passed: a repaired load balancer takes its servers back only after passing health checks. */
  readonly settleMs?: number;
}

/** A check asks three times; after a repair it waits for the load balancer's health checks. */
export const CHECK: ProbePatience = { tries: 3 };
export const AFTER_REPAIR: ProbePatience = { tries: 3, settleMs: 20_000 };

/** Any answer below 500 counts: a 503 is what a load balancer says when nothing behind it serves. */
export async function probeEndpoint(url: string, patience: ProbePatience = CHECK): Promise<{ ok: true } | { ok: false; found: string; tries: number }> {
  const deadline = Date.now() + (patience.settleMs ?? 0);
  let found = "no answer";
  let tries = 0;
  while (tries < patience.tries || Date.now() < deadline) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    tries++;
    // The same request `status` sends: http or https, never throws.
    const answer = await getAnswer(url, TIMEOUT_MS);
    if (answer.status !== undefined && answer.status < 500) return { ok: true };
    found = answer.status !== undefined ? `HTTP ${answer.status}` : `no answer (${answer.error ?? `within ${TIMEOUT_MS / 1000} s`})`;
  }
  return { ok: false, found, tries };
}

/** The observation for an endpoint that does not answer; undefined when it does. */
export async function endpointObservation(url: string | undefined, patience: ProbePatience = CHECK): Promise<Observation | undefined> {
  if (!url) return undefined;
  // Cloud endpoints are often a bare host name; the URL is the pseudo-resource's name either way.
  const probe = await probeEndpoint(urlOf(url), patience);
  if (probe.ok) return undefined;
  return {
    question: "cloud",
    urn: endpointUrn(url),
    type: ENDPOINT_TYPE,
    name: url,
    op: "update",
    properties: [{ path: "answers", before: "an HTTP answer below 500", after: `${probe.found} (${probe.tries} tries)` }],
  };
}
