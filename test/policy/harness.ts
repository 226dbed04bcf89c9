/**
 * Runs pack rules without the engine: builds the args the analyzer would pass, with the inputs
 * behind @pulumi/policy's own unknown-checking proxy, so "unknown during preview" behaves as in
 * a real preview. Never imports policy/pack.ts (that starts the analyzer server).
 */
import {
  unknownCheckingProxy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";

/** The engine's marker of an input that is unknown until apply. */
export const UNKNOWN_INPUT = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TestResource {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly name?: string;
  /** Inputs of the resource's explicit provider, e.g. { region: "us-west-2" }. */
  readonly provider?: Record<string, unknown>;
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

export const urnOf = (type: string, name: string) => `urn:pulumi:test::switchyard::${type}::${name}`;

class NotApplicable extends Error {}

function common(r: TestResource, config: object) {
  const name = r.name ?? "r";
  return {
    type: r.type,
    name,
    urn: urnOf(r.type, name),
    props: unknownCheckingProxy(structuredClone(r.props)) as Record<string, any>,
    opts: OPTIONS,
    provider: r.provider && { type: "pulumi:providers:test", props: r.provider, urn: urnOf("pulumi:providers:test", "p"), name: "p" },
    isType: () => false,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

function resourceArgs(r: TestResource, config: object): ResourceValidationArgs {
  return { ...common(r, config), stackTags: new Map(), asType: () => undefined };
}

/** Messages a resource rule reports for one resource. */
export async function validate(policy: ResourceValidationPolicy, r: TestResource, config: object = {}): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validation of validations) await validation(resourceArgs(r, config), (message) => messages.push(message));
  return messages;
}

/** The new inputs a remediation returns, or undefined when it changes nothing. */
export async function remediate(policy: ResourceValidationPolicy, r: TestResource, config: object = {}) {
  const result = await policy.remediateResource!(resourceArgs(r, config));
  return result ? (JSON.parse(JSON.stringify(result)) as Record<string, unknown>) : undefined;
}

export interface StackMessage {
  readonly message: string;
  readonly urn?: string;
}

/** Messages a stack rule reports over a whole stack. */
export async function validateStack(policy: StackValidationPolicy, resources: readonly TestResource[], config: object = {}): Promise<StackMessage[]> {
  const messages: StackMessage[] = [];
  const policyResources: PolicyResource[] = resources.map((r) => ({
    ...common(r, config),
    dependencies: [],
    propertyDependencies: {},
    asType: () => undefined,
  }));
  await policy.validateStack({ resources: policyResources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable: () => { throw new NotApplicable(); } }, (message, urn) =>
    messages.push({ message, urn }),
  );
  return messages;
}

/** The root stack resource, whose props are the stack outputs. */
export const stackWith = (outputs: Record<string, unknown>): TestResource => ({ type: "pulumi:pulumi:Stack", name: "switchyard-test", props: outputs });

/** The first line of each message ("why"), for short assertions. */
export const whys = (messages: readonly (string | StackMessage)[]) => messages.map((m) => (typeof m === "string" ? m : m.message).split("\n")[0]!);
