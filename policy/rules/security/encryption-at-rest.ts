/**
 * Data stores encrypt at rest. Only stores where encryption is opt-in are checked: S3, DynamoDB,
 * Azure Storage and GCP storage and Cloud SQL encrypt every object by default and cannot be
 * turned off, so there is nothing to judge there.
 */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS } from "../../lib/types";

const FLAG: Readonly<Record<string, string>> = {
  [AWS.rdsCluster]: "storageEncrypted",
  [AWS.rdsInstance]: "storageEncrypted",
  [AWS.globalCluster]: "storageEncrypted",
  [AWS.ebsVolume]: "encrypted",
  [AWS.efs]: "encrypted",
};

export const securityEncryptionAtRest = resourceRule({
  name: "security-encryption-at-rest",
  description: "Databases, volumes and file systems are encrypted at rest.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Turn on storage encryption when creating the store (it cannot be added later without a copy).",
  defaults: {},
  schema: {},
  appliesTo: (type) => type in FLAG,
  check(props, ctx, report) {
    const flag = FLAG[ctx.type]!;
    if (props[flag] !== true) report(violation(`${flag} is not true, so the data is stored unencrypted`, `set ${flag}: true (optionally with kmsKeyId); existing stores need a snapshot restore`));
  },
});
