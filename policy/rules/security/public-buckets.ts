/** No bucket is readable by everyone. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE, GCP, isOneOf } from "../../lib/types";
import { list, record, str, type Props } from "../../lib/values";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);
const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

function publicStatements(policy: unknown): number {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return 0;
    }
  }
  const statements = list(record(doc).Statement ?? []);
  const everyone = (p: unknown) => p === "*" || record(p).AWS === "*" || list(record(p).AWS).includes("*");
  return statements.filter((s) => record(s).Effect === "Allow" && everyone(record(s).Principal) && record(s).Condition === undefined).length;
}

function problem(type: string, p: Props): string | undefined {
  if (isOneOf(type, AWS.bucket) || isOneOf(type, AWS.bucketAcl)) {
    const acl = str(p.acl);
    if (acl && PUBLIC_ACLS.has(acl)) return violation(`the bucket ACL is "${acl}"`, 'use acl "private" and grant access to named principals');
  }
  if (type === AWS.publicAccessBlock) {
    const off = BLOCK_FLAGS.filter((flag) => p[flag] !== true);
    if (off.length) return violation(`the public access block leaves ${off.join(", ")} off`, `set ${off.join(", ")} to true`);
  }
  if (type === AWS.bucketPolicy && publicStatements(p.policy) > 0) {
    return violation('the bucket policy allows Principal "*" without a condition', "name the principals, or add a Condition (e.g. aws:SourceVpce)");
  }
  if (isOneOf(type, GCP.bucketIamMember)) {
    const members = [str(p.member), ...list(p.members).map(str)].filter((m): m is string => Boolean(m));
    const open = members.filter((m) => PUBLIC_MEMBERS.has(m));
    if (open.length) return violation(`the bucket grants ${p.role ?? "a role"} to ${open.join(", ")}`, "grant the role to named users, groups or service accounts");
  }
  if (type === AZURE.storageAccount && p.allowBlobPublicAccess === true) {
    return violation("the storage account allows public blob access", "set allowBlobPublicAccess to false");
  }
  return undefined;
}

export const securityNoPublicBuckets = resourceRule({
  name: "security-no-public-buckets",
  description: "No bucket or blob container is public.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Keep buckets private; serve public content through a CDN with origin access control. List deliberate exceptions in this rule's exclude.",
  defaults: {},
  schema: {},
  appliesTo: (type) =>
    isOneOf(type, AWS.bucket) || isOneOf(type, AWS.bucketAcl) || type === AWS.publicAccessBlock || type === AWS.bucketPolicy || isOneOf(type, GCP.bucketIamMember) || type === AZURE.storageAccount,
  check(props, ctx, report) {
    const found = problem(ctx.type, props);
    if (found) report(found);
  },
});
