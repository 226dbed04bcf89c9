/** Every rule of the pack, in the order reports list them. Importing this starts nothing. */
import type { Policies } from "@pulumi/policy";
import { drFailoverHealthChecks } from "./rules/dr/failover-health-checks";
import { drReplication } from "./rules/dr/replication";
import { drRpoDeclared } from "./rules/dr/rpo-declared";
import { drStandbyHealthy } from "./rules/dr/standby-healthy";
import { drStandbyRegion } from "./rules/dr/standby-region";
import { rolloutAnalysisRequired } from "./rules/rollout/analysis-required";
import { rolloutBakeTime } from "./rules/rollout/bake-time";
import { rolloutFirstStep } from "./rules/rollout/first-step";
import { rolloutFreezeWindow } from "./rules/rollout/freeze-window";
import { pipelineOrder } from "./rules/rollout/pipeline-order";
import { securityAdminPorts } from "./rules/security/admin-ports";
import { securityEncryptionAtRest } from "./rules/security/encryption-at-rest";
import { securityHttpsListeners } from "./rules/security/https-listeners";
import { securityNoPublicBuckets } from "./rules/security/public-buckets";
import { securityPlaintextCredentials } from "./rules/security/plaintext-credentials";
import { securityRequiredTags } from "./rules/security/required-tags";
import { trafficHealthChecks } from "./rules/traffic/health-checks";
import { trafficNoWeightChangeOnReplace } from "./rules/traffic/no-weight-change-on-replace";
import { trafficWeightsValid } from "./rules/traffic/weights-valid";

export const PACK_NAME = "switchyard";

export const policies: Policies = [
  trafficWeightsValid,
  trafficHealthChecks,
  trafficNoWeightChangeOnReplace,
  rolloutFirstStep,
  rolloutAnalysisRequired,
  rolloutBakeTime,
  rolloutFreezeWindow,
  pipelineOrder,
  drStandbyRegion,
  drReplication,
  drFailoverHealthChecks,
  drStandbyHealthy,
  drRpoDeclared,
  securityNoPublicBuckets,
  securityEncryptionAtRest,
  securityHttpsListeners,
  securityAdminPorts,
  securityRequiredTags,
  securityPlaintextCredentials,
];
