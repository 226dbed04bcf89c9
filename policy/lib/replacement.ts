/**
 * Inputs whose change makes the provider replace a traffic resource instead of updating it
 * (CLOUDS.md: Terraform ForceNew fields, Azure path parameters, the local provider's diff).
 */
import { AWS, AZURE, GCP, isHttpRoute, isOneOf, LOCAL } from "./types";

export function replacementKeys(type: string): readonly string[] {
  if (type === LOCAL.weights) return ["socketPath", "backend"];
  if (isOneOf(type, AWS.listener)) return ["loadBalancerArn"];
  if (isOneOf(type, AWS.listenerRule)) return ["listenerArn"];
  if (type === AWS.record) return ["zoneId", "name"];
  if (isOneOf(type, GCP.urlMap)) return ["name", "project", "region"];
  if (type === GCP.cloudRun) return ["name", "location", "project"];
  if (type === AZURE.tmProfile) return ["resourceGroupName", "profileName"];
  if (type === AZURE.tmEndpoint) return ["resourceGroupName", "profileName", "endpointType", "endpointName"];
  if (type === AZURE.afdOrigin) return ["resourceGroupName", "profileName", "originGroupName", "originName"];
  if (isHttpRoute(type)) return ["metadata"];
  return [];
}
