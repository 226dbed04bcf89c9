/**
 * Taggable resources carry the required tags (owner, environment). The remediation adds the
 * missing ones only where that is safe: tags and labels update in place on the listed types
 * (they never force a replacement), the current tags are known, and the pack config gives a
 * value for every missing key. Anything else stays a violation for a person to fix.
 */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE } from "../../lib/types";
import { known, record, UNKNOWN, type Props } from "../../lib/values";

/** Types whose tags (or GCP labels) update in place. */
export const TAGGABLE: Readonly<Record<string, "tags" | "labels">> = {
  "aws:lb/loadBalancer:LoadBalancer": "tags",
  ...Object.fromEntries([...AWS.listener, ...AWS.listenerRule, ...AWS.targetGroup, ...AWS.bucket].map((t) => [t, "tags"])),
  "aws:route53/healthCheck:HealthCheck": "tags",
  [AWS.dynamoTable]: "tags",
  [AWS.rdsCluster]: "tags",
  [AWS.rdsInstance]: "tags",
  [AWS.ebsVolume]: "tags",
  [AWS.efs]: "tags",
  [AWS.securityGroup]: "tags",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "tags",
  "aws:ecs/service:Service": "tags",
  "gcp:storage/bucket:Bucket": "labels",
  "gcp:cloudrunv2/service:Service": "labels",
  "gcp:compute/instance:Instance": "labels",
  [AZURE.tmProfile]: "tags",
  [AZURE.storageAccount]: "tags",
  [AZURE.cosmos]: "tags",
  [AZURE.nsg]: "tags",
  "azure-native:cdn:Profile": "tags",
  "azure-native:web:WebApp": "tags",
  "azure-native:sql:Server": "tags",
  "azure-native:resources:ResourceGroup": "tags",
};

interface Config {
  requiredTags: string[];
  /** Values the remediation writes for missing tags, e.g. { owner: "team-payments" }. */
  values: Record<string, string>;
  /** More types whose `tags` input may be changed in place (e.g. your own dynamic resources). */
  remediableTypes: string[];
}

/** The tag field of a resource: a known taggable type, or any resource that already has a tags map. */
function tagField(type: string, props: Props): "tags" | "labels" | undefined {
  if (TAGGABLE[type]) return TAGGABLE[type];
  const tags = known(() => props.tags);
  return tags !== UNKNOWN && tags !== null && typeof tags === "object" ? "tags" : undefined;
}

const missingTags = (tags: Props, required: readonly string[]) => required.filter((key) => typeof tags[key] !== "string" || tags[key] === "");

// The engine's proxy hands out the raw inputs under this key; spreading the proxy itself would
// throw on any input unknown during preview, although only the tags matter here.
const rawInputs = (props: Props): Props => (props["__getSpecialProxyTarget"] as Props | undefined) ?? props;

export const securityRequiredTags = resourceRule<Config>({
  name: "security-required-tags",
  description: "Resources carry the required tags (owner, environment).",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Add the tags; set this rule to remediate with `values` in the pack config to add them automatically.",
  defaults: { requiredTags: ["owner", "environment"], values: {}, remediableTypes: [] },
  schema: {
    requiredTags: { type: "array", items: { type: "string" } },
    values: { type: "object", additionalProperties: { type: "string" } },
    remediableTypes: { type: "array", items: { type: "string" } },
  },
  appliesTo: (type) => !type.startsWith("pulumi:"),
  check(props, ctx, report) {
    const field = tagField(ctx.type, props);
    if (!field) return;
    const missing = missingTags(record(props[field]), ctx.config.requiredTags);
    if (missing.length) {
      const values = missing.map((key) => `${key}: "${ctx.config.values[key] ?? "..."}"`).join(", ");
      report(violation(`${field} ${missing.join(", ")} missing`, `add ${field} { ${values} }`));
    }
  },
  remediate(props, ctx) {
    const field = tagField(ctx.type, props);
    const safe = field && (TAGGABLE[ctx.type] || ctx.config.remediableTypes.includes(ctx.type));
    if (!safe) return undefined;
    const current = known(() => ({ ...record(props[field]) }));
    if (current === UNKNOWN) return undefined;
    const missing = missingTags(current, ctx.config.requiredTags);
    if (!missing.length || missing.some((key) => !ctx.config.values[key])) return undefined;
    const added = Object.fromEntries(missing.map((key) => [key, ctx.config.values[key]!]));
    return { ...rawInputs(props), [field]: { ...current, ...added } };
  },
});
