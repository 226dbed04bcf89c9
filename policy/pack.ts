// Starts the analyzer: `new PolicyPack` serves gRPC at once, so nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
  description: "Switchyard: traffic, rollout, DR and security rules for zero-downtime deploys.",
  policies,
});
