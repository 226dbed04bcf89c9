/**
 * Does the stack's declared endpoint answer? Resources can all match state while nothing serves
 * (a change the providers cannot read), so drift asks the data plane too. The answer becomes a
 * cloud observation of a pseudo-resource, so ignore rules and the report treat it like any other.
 */
import { httpGet } from "../../components/local/http-probe";
import type { Observation } from "./model";

export const ENDPOINT_TYPE = "switchyard:data-plane:Endpoint";
export const endpointUrn = (url: string) => `urn:switchyard:endpoint::${url}`;
/** Pseudo-resources are observed, never targeted by an engine fix. */
export const isPseudoUrn = (urn: string) => urn.startsWith("urn:switchyard:");

const TRIES = 3;
const TIMEOUT_MS = 2000;
const PAUSE_MS = 200;

/** Any answer below 500 counts: a 503 is what a load balancer says when nothing behind it serves. */
export async function probeEndpoint(url: string): Promise<{ ok: true } | { ok: false; found: string }> {
  let found = "no answer";
  for (let attempt = 0; attempt < TRIES; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const answer = await httpGet(url, TIMEOUT_MS);
    if (answer && answer.status < 500) return { ok: true };
    found = answer ? `HTTP ${answer.status}` : `no answer within ${TIMEOUT_MS / 1000} s`;
  }
  return { ok: false, found };
}

/** The observation for an endpoint that does not answer; undefined when it does. */
export async function endpointObservation(url: string | undefined): Promise<Observation | undefined> {
  if (!url || !/^https?:\/\//.test(url)) return undefined;
  const probe = await probeEndpoint(url);
  if (probe.ok) return undefined;
  return {
    question: "cloud",
    urn: endpointUrn(url),
    type: ENDPOINT_TYPE,
    name: url,
    op: "update",
    properties: [{ path: "answers", before: "an HTTP answer below 500", after: `${probe.found} (${TRIES} tries)` }],
  };
}
