/** Which resources make a stack a DR setup, whatever component created them. */
import type { PolicyResource } from "@pulumi/policy";
import { AWS, AZURE, GCP } from "../../lib/types";
import { list, record } from "../../lib/values";

export function isDrResource(r: PolicyResource): boolean {
  const p = r.props;
  switch (r.type) {
    case AWS.replication:
    case AWS.globalCluster:
      return true;
    case AWS.record:
      return list(p.failoverRoutingPolicies).length > 0;
    case AWS.dynamoTable:
      return list(p.replicas).length > 0;
    case GCP.sqlInstance:
      return Boolean(p.masterInstanceName);
    case GCP.dnsRecordSet:
      return record(p.routingPolicy).primaryBackup !== undefined;
    case AZURE.tmProfile:
      return p.trafficRoutingMethod === "Priority";
    case AZURE.cosmos:
      return list(p.locations).length > 1;
    default:
      return false;
  }
}

/** Region of a resource: its own `region` input (AWS v7, GCP) or its explicit provider's. */
export const regionOf = (r: PolicyResource): string | undefined => {
  const own = r.props.region ?? r.props.location;
  const region = typeof own === "string" ? own : r.provider?.props.region;
  return typeof region === "string" ? region : undefined;
};
