/**
 * Turns the engine's policy events into findings a person can act on: rule, resource, why, how
 * to fix, severity. The raw events also carry remediations (`policyRemediationEvent`, absent
 * from the SDK's types) whose before/after inputs may hold secrets: only key names survive.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { FIX_MARKER } from "../../policy/lib/finding";
import { policies } from "../../policy/policies";

export type Level = "mandatory" | "advisory";

export interface ResourceRef {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

export interface PolicyFinding {
  readonly rule: string;
  readonly level: Level;
  readonly severity?: string;
  /** What the rule demands (its description). */
  readonly requirement: string;
  readonly why: string;
  readonly fix: string;
  readonly resource?: ResourceRef;
}

export interface PolicyRemediation {
  readonly rule: string;
  readonly resource: ResourceRef;
  /** Changed inputs, e.g. `tags.environment`; never their values. */
  readonly changed: readonly string[];
}

export interface PolicyEvents {
  readonly findings: readonly PolicyFinding[];
  readonly remediations: readonly PolicyRemediation[];
}

interface RawPolicyEvent {
  resourceUrn?: string;
  message: string;
  policyName: string;
  enforcementLevel: string;
  severity?: string;
}

interface RawRemediationEvent {
  resourceUrn: string;
  policyName: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export function resourceOf(urn: string): ResourceRef {
  const [, qualifiedType = "", name = ""] = urn.split("::").slice(-3);
  return { urn, type: qualifiedType.split("$").pop()!, name };
}

const adviceOf = (rule: string) => policies.find((p) => p.name === rule)?.remediationSteps ?? "see the rule in policy/rules";

/** Splits "description\nwhy...\nfix: how" as written by policy/lib/finding.ts. */
export function parseMessage(rule: string, message: string): { summary: string; why: string; fix: string } {
  const lines = message.trim().split("\n");
  const summary = lines.shift() ?? "";
  const fixAt = lines.findIndex((l) => l.startsWith(FIX_MARKER));
  const fix = fixAt >= 0 ? lines.splice(fixAt).join(" ").slice(FIX_MARKER.length) : adviceOf(rule);
  return { summary, why: lines.join(" ").trim() || summary, fix };
}

const json = (value: unknown) => JSON.stringify(value);

/** Names of inputs that differ, one level into objects (tags.environment). */
export function changedKeys(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key.startsWith("__") || json(before[key]) === json(after[key])) continue;
    const a = before[key];
    const b = after[key];
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      out.push(...changedKeys(a as Record<string, unknown>, b as Record<string, unknown>).map((sub) => `${key}.${sub}`));
    } else {
      out.push(key);
    }
  }
  return out;
}

export function parsePolicyEvents(events: readonly EngineEvent[]): PolicyEvents {
  const findings: PolicyFinding[] = [];
  const remediations: PolicyRemediation[] = [];
  for (const event of events as readonly (EngineEvent & { policyRemediationEvent?: RawRemediationEvent })[]) {
    const policy = event.policyEvent as RawPolicyEvent | undefined;
    if (policy) {
      const { summary, why, fix } = parseMessage(policy.policyName, policy.message);
      findings.push({
        rule: policy.policyName,
        level: policy.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        severity: policy.severity,
        requirement: summary,
        why,
        fix,
        resource: policy.resourceUrn ? resourceOf(policy.resourceUrn) : undefined,
      });
    }
    const fixEvent = event.policyRemediationEvent;
    if (fixEvent) {
      remediations.push({ rule: fixEvent.policyName, resource: resourceOf(fixEvent.resourceUrn), changed: changedKeys(fixEvent.before, fixEvent.after) });
    }
  }
  // Mandatory first, then by rule, so the blocking ones lead the list.
  findings.sort((a, b) => (a.level === b.level ? a.rule.localeCompare(b.rule) : a.level === "mandatory" ? -1 : 1));
  return { findings, remediations };
}
