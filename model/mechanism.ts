/**
 * The traffic-mechanism contract (DESIGN.md "Central contracts"): how one kind of weighted split
 * maps the common 0..100 weights onto its own range, the range itself (which components and the
 * policy pack both read), and how the driver reads the live split back.
 */
import { SwitchyardError } from "./errors";
import type { StackOutputs } from "./outputs";
import type { Weights } from "./weights";

export const MECHANISM_KINDS = [
  "aws-alb",
  "aws-route53",
  "gcp-url-map",
  "gcp-cloud-run",
  "azure-traffic-manager",
  "azure-front-door",
  "k8s-http-route",
  "k8s-service-switch",
  "local-haproxy",
] as const;
export type MechanismKind = (typeof MECHANISM_KINDS)[number];

/** The native weights a mechanism accepts, as its API documents them (reference/CLOUDS.md §1). */
export interface MechanismLimits {
  readonly min: number;
  readonly max: number;
  /** False where a weight of 0 is refused: a slot is drained by disabling it instead (Azure). */
  readonly zeroAllowed: boolean;
  /** Set when the weights are shares that must add up to this total. */
  readonly sumTo?: number;
  /** Most weighted entries one resource may carry. */
  readonly maxEntries?: number;
  /** Weight the API assumes for an entry that declares none. */
  readonly implicit?: number;
  /** Only 0/100 and 100/0 can be expressed (a selector switch). */
  readonly allOrNothing?: boolean;
}

export interface TrafficMechanism<Native = unknown> {
  readonly kind: MechanismKind;
  /** How people and policy findings name it. */
  readonly label: string;
  readonly limits: MechanismLimits;
  /** The common weights (already valid: integers 0..100 summing to 100) in this mechanism's terms. */
  toNative(weights: Weights): Native;
  /**
   * The data plane's answer: the weights it really serves. Undefined when it cannot be read from
   * here (no cloud credentials in the driver): callers report "not verified", never a guess.
   */
  readBack(outputs: StackOutputs): Promise<Weights | undefined>;
}

/** A kind this version does not know: from a newer stack, or a typo in a test. */
export class UnknownMechanismError extends SwitchyardError {
  constructor(readonly kind: string) {
    super(`unknown traffic mechanism ${JSON.stringify(kind)}; known: ${MECHANISM_KINDS.join(", ")}`, "upgrade Switchyard to the version that deployed the stack, or deploy the stack again with this one");
  }
}

/** Clouds' read-back: the driver holds no cloud credentials, so it says it cannot tell. */
export const cannotReadBack = async (_outputs: StackOutputs): Promise<Weights | undefined> => undefined;
