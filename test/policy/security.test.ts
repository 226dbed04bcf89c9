import assert from "node:assert/strict";
import { securityAdminPorts } from "../../policy/rules/security/admin-ports";
import { securityEncryptionAtRest } from "../../policy/rules/security/encryption-at-rest";
import { securityHttpsListeners } from "../../policy/rules/security/https-listeners";
import { securityNoPublicBuckets } from "../../policy/rules/security/public-buckets";
import { securityRequiredTags } from "../../policy/rules/security/required-tags";
import { securityPlaintextCredentials } from "../../policy/rules/security/plaintext-credentials";
import { remediate, stackWith, UNKNOWN_INPUT, validate, validateStack, whys, type TestResource } from "./harness";

const count = async (policy: Parameters<typeof validate>[0], r: TestResource, config: object = {}) => (await validate(policy, r, config)).length;

describe("policy security-no-public-buckets", () => {
  const cases: [string, TestResource, number][] = [
    ["private S3 bucket", { type: "aws:s3/bucket:Bucket", props: { acl: "private" } }, 0],
    ["public-read S3 bucket", { type: "aws:s3/bucket:Bucket", props: { acl: "public-read" } }, 1],
    ["public BucketAcl", { type: "aws:s3/bucketAcl:BucketAcl", props: { acl: "public-read-write" } }, 1],
    ["full public access block", { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } }, 0],
    ["partial public access block", { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", props: { blockPublicAcls: true } }, 1],
    ["policy open to *", { type: "aws:s3/bucketPolicy:BucketPolicy", props: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }) } }, 1],
    ["policy open to * with a condition", { type: "aws:s3/bucketPolicy:BucketPolicy", props: { policy: { Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Condition: { StringEquals: {} } }] } } }, 0],
    ["GCS allUsers", { type: "gcp:storage/bucketIAMMember:BucketIAMMember", props: { role: "roles/storage.objectViewer", member: "allUsers" } }, 1],
    ["GCS named user", { type: "gcp:storage/bucketIAMBinding:BucketIAMBinding", props: { members: ["user:a@example.com"] } }, 0],
    ["Azure public blobs", { type: "azure-native:storage:StorageAccount", props: { allowBlobPublicAccess: true } }, 1],
  ];
  for (const [title, r, n] of cases) it(title, async () => assert.equal(await count(securityNoPublicBuckets, r), n));
});

describe("policy security-encryption-at-rest", () => {
  it("fails an unencrypted Aurora cluster", async () => assert.equal(await count(securityEncryptionAtRest, { type: "aws:rds/cluster:Cluster", props: {} }), 1));
  it("passes an encrypted one", async () => assert.equal(await count(securityEncryptionAtRest, { type: "aws:rds/cluster:Cluster", props: { storageEncrypted: true } }), 0));
  it("fails an unencrypted EBS volume", async () => assert.equal(await count(securityEncryptionAtRest, { type: "aws:ebs/volume:Volume", props: { encrypted: false } }), 1));
  it("does not judge S3 (always encrypted)", async () => assert.equal(await count(securityEncryptionAtRest, { type: "aws:s3/bucket:Bucket", props: {} }), 0));
});

describe("policy security-https-listeners", () => {
  const listener = (props: Record<string, unknown>): TestResource => ({ type: "aws:lb/listener:Listener", props });
  it("passes HTTPS", async () => assert.equal(await count(securityHttpsListeners, listener({ protocol: "HTTPS", defaultActions: [{ type: "forward" }] })), 0));
  it("passes an HTTP redirect to HTTPS", async () =>
    assert.equal(await count(securityHttpsListeners, listener({ protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] })), 0));
  it("fails HTTP forwarding", async () => assert.equal(await count(securityHttpsListeners, { type: "aws:alb/listener:Listener", props: { protocol: "HTTP", defaultActions: [{ type: "forward" }] } }), 1));
  it("fails a Front Door route serving HTTP", async () =>
    assert.equal(await count(securityHttpsListeners, { type: "azure-native:cdn:Route", props: { supportedProtocols: ["Http", "Https"], httpsRedirect: "Disabled" } }), 1));
});

describe("policy security-admin-ports", () => {
  const sg = (fromPort: number, toPort: number, cidr = "0.0.0.0/0"): TestResource => ({
    type: "aws:ec2/securityGroup:SecurityGroup",
    props: { ingress: [{ protocol: "tcp", fromPort, toPort, cidrBlocks: [cidr] }] },
  });
  it("fails SSH from anywhere", async () => assert.deepEqual(whys(await validate(securityAdminPorts, sg(22, 22))), ["admin port(s) 22 are open to 0.0.0.0/0"]));
  it("fails a range covering RDP", async () => assert.equal(await count(securityAdminPorts, sg(3000, 4000)), 1));
  it("passes HTTPS from anywhere", async () => assert.equal(await count(securityAdminPorts, sg(443, 443)), 0));
  it("passes SSH from an office range", async () => assert.equal(await count(securityAdminPorts, sg(22, 22, "198.51.100.0/24")), 0));
  it("fails all protocols from ::/0", async () =>
    assert.equal(await count(securityAdminPorts, { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { ipProtocol: "-1", cidrIpv6: "::/0" } }), 1));
  it("fails a GCP firewall without port list", async () =>
    assert.equal(await count(securityAdminPorts, { type: "gcp:compute/firewall:Firewall", props: { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp" }] } }), 1));
  it("fails an Azure rule from Internet to 3389", async () =>
    assert.equal(await count(securityAdminPorts, { type: "azure-native:network:SecurityRule", props: { direction: "Inbound", access: "Allow", sourceAddressPrefix: "Internet", destinationPortRange: "3389" } }), 1));
  it("takes the port list from config", async () => assert.equal(await count(securityAdminPorts, sg(5432, 5432), { adminPorts: [5432] }), 1));
});

describe("policy security-required-tags", () => {
  const bucket = (tags: Record<string, unknown> | string | undefined): TestResource => ({ type: "aws:s3/bucket:Bucket", props: { bucketPrefix: "b", tags } });
  const values = { values: { owner: "team-a", environment: "staging" } };

  it("passes a bucket with both tags", async () => assert.equal(await count(securityRequiredTags, bucket({ owner: "a", environment: "prod" })), 0));
  it("names the missing tags", async () => assert.deepEqual(whys(await validate(securityRequiredTags, bucket({ owner: "a" }))), ["tags environment missing"]));
  it("uses labels on GCP", async () => assert.deepEqual(whys(await validate(securityRequiredTags, { type: "gcp:storage/bucket:Bucket", props: {} })), ["labels owner, environment missing"]));
  it("ignores local resources without tags", async () => assert.equal(await count(securityRequiredTags, { type: "pulumi-nodejs:dynamic/local:Workload", props: {} }), 0));
  it("remediates a known taggable type, keeping other inputs", async () =>
    assert.deepEqual(await remediate(securityRequiredTags, bucket({ owner: "a" }), values), { bucketPrefix: "b", tags: { owner: "a", environment: "staging" } }));
  it("keeps inputs unknown during preview", async () => {
    const result = await remediate(securityRequiredTags, { type: "aws:s3/bucket:Bucket", props: { bucket: UNKNOWN_INPUT, tags: {} } }, values);
    assert.deepEqual(result, { bucket: UNKNOWN_INPUT, tags: { owner: "team-a", environment: "staging" } });
  });
  it("does not remediate without a value for every missing tag", async () =>
    assert.equal(await remediate(securityRequiredTags, bucket({}), { values: { owner: "team-a" } }), undefined));
  it("does not remediate unknown tags", async () => assert.equal(await remediate(securityRequiredTags, bucket(UNKNOWN_INPUT), values), undefined));
  it("remediates other types only when config lists them", async () => {
    const custom = { type: "pulumi-nodejs:dynamic:Resource", props: { tags: { owner: "a" } } };
    assert.equal(await remediate(securityRequiredTags, custom, values), undefined);
    assert.deepEqual(await remediate(securityRequiredTags, custom, { ...values, remediableTypes: [custom.type] }), { tags: { owner: "a", environment: "staging" } });
  });
});

describe("policy security-no-plaintext-credentials", () => {
  const stack = (keys: unknown) => [stackWith({ plaintextCredentials: keys })];
  it("passes a stack without plaintext credentials", async () => assert.deepEqual(await validateStack(securityPlaintextCredentials, stack([])), []));
  it("names each plaintext credential and the command that encrypts it", async () => {
    const found = await validateStack(securityPlaintextCredentials, stack(["analysis.metrics[0].provider.headers.Authorization"]));
    assert.deepEqual(whys(found), ["switchyard:analysis.metrics[0].provider.headers.Authorization holds a credential in plaintext"]);
    assert.match(JSON.stringify(found), /pulumi config set --secret --path 'switchyard:analysis\.metrics\[0\]\.provider\.headers\.Authorization' --stack test/);
  });
  it("exempts the stacks its config names (local by default)", async () =>
    assert.deepEqual(await validateStack(securityPlaintextCredentials, stack(["x.token"]), { exemptStacks: ["test"] }), []));
  it("ignores a stack that exports nothing about credentials", async () => assert.deepEqual(await validateStack(securityPlaintextCredentials, [stackWith({})]), []));
});
