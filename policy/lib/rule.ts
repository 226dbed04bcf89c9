/**
 * How every rule of the pack is declared: a name, a default enforcement level, its own config
 * with defaults, and a check over plain values. Rules import only types from @pulumi/policy, so
 * they load (and are tested) without the analyzer server that `new PolicyPack` starts.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyProviderResource,
  PolicyResource,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Props } from "./values";

type JsonSchema = PolicyConfigSchema["properties"][string];

interface RuleBase<C> {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  /** General advice shown by tools that list the pack; each violation carries its own fix too. */
  readonly remediationSteps: string;
  readonly defaults: C;
  /** JSON schema of the rule's own config (the engine validates pack config against it). */
  readonly schema: Record<keyof C & string, JsonSchema>;
}

export interface ResourceContext<C> {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly config: C;
  readonly provider?: PolicyProviderResource;
}

export interface ResourceRuleSpec<C> extends RuleBase<C> {
  readonly appliesTo: (type: string) => boolean;
  readonly check: (props: Props, ctx: ResourceContext<C>, report: (message: string) => void) => void;
  /** Returns the whole new set of inputs, or undefined when nothing can safely be changed. */
  readonly remediate?: (props: Props, ctx: ResourceContext<C>) => Props | undefined;
}

export interface StackRuleSpec<C> extends RuleBase<C> {
  readonly check: (resources: readonly PolicyResource[], config: C, report: (message: string, urn?: string) => void) => void;
}

/** Every rule also takes `exclude`: resource names or URNs it must not judge. */
interface Common {
  exclude: string[];
}
const commonSchema: Record<keyof Common, JsonSchema> = {
  exclude: { type: "array", items: { type: "string" }, description: "resource names or URNs this rule skips" },
};

function settings<C>(defaults: C, given: object): C & Common {
  return { exclude: [], ...defaults, ...given } as C & Common;
}

function describe<C>(spec: RuleBase<C>) {
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel,
    severity: spec.severity,
    remediationSteps: spec.remediationSteps,
    configSchema: { properties: { ...commonSchema, ...spec.schema } as PolicyConfigSchema["properties"] },
  };
}

export function resourceRule<C>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
  type Args = Parameters<NonNullable<ResourceValidationPolicy["remediateResource"]>>[0];
  const context = (args: Args): ResourceContext<C & Common> | undefined => {
    if (!spec.appliesTo(args.type)) return undefined;
    const config = settings(spec.defaults, args.getConfig());
    if (config.exclude.includes(args.name) || config.exclude.includes(args.urn)) return undefined;
    return { type: args.type, name: args.name, urn: args.urn, config, provider: args.provider };
  };
  const remediate = spec.remediate;
  return {
    ...describe(spec),
    validateResource: (args, report) => {
      const ctx = context(args);
      if (ctx) spec.check(args.props, ctx, (message) => report(message));
    },
    ...(remediate && {
      remediateResource: (args: Args) => {
        const ctx = context(args);
        return ctx ? remediate(args.props, ctx) : undefined;
      },
    }),
  };
}

export function stackRule<C>(spec: StackRuleSpec<C>): StackValidationPolicy {
  return {
    ...describe(spec),
    validateStack: (args, report) => {
      const config = settings(spec.defaults, args.getConfig());
      const resources = args.resources.filter((r) => !config.exclude.includes(r.name) && !config.exclude.includes(r.urn));
      spec.check(resources, config, (message, urn) => report(message, urn));
    },
  };
}
