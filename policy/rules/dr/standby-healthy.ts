/**
 * A failover plan needs a healthy standby to fail over to: the route's fallback exists and is
 * health-checked (an unchecked fallback is answered even when it is down, or never judged at
 * all), the region the plan makes serve is one of its two sites, and once a failover settled the
 * data takes writes where the traffic is. dr-failover-health-checks covers the route's first
 * choice; this rule covers everything a failover lands on.
 */
import type { PolicyResource } from "@pulumi/policy";
import { violation } from "../../lib/finding";
import { drPlan, DR_OUTPUT, type Site } from "../../lib/plan";
import { stackRule } from "../../lib/rule";
import { AWS, AZURE, GCP } from "../../lib/types";
import { at, known, list, record, str, UNKNOWN } from "../../lib/values";

type Report = (message: string, urn?: string) => void;

/** A value the engine computes later (e.g. a new health check's id) counts as set. */
const present = (read: () => unknown) => {
  const value = known(read);
  return value === UNKNOWN || (typeof value === "string" && value.length > 0);
};

function route53(resources: readonly PolicyResource[], report: Report): void {
  const groups = new Map<string, PolicyResource[]>();
  for (const r of resources.filter((x) => x.type === AWS.record && list(x.props.failoverRoutingPolicies).length > 0)) {
    const key = `${String(known(() => r.props.zoneId))}|${String(r.props.name)}|${String(r.props.type)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const records of groups.values()) {
    const typeOf = (r: PolicyResource) => str(record(list(r.props.failoverRoutingPolicies)[0]).type);
    const primary = records.find((r) => typeOf(r) === "PRIMARY");
    const secondary = records.find((r) => typeOf(r) === "SECONDARY");
    if (primary && !secondary) {
      report(violation(`failover record ${primary.name} (${String(primary.props.name)}) has no SECONDARY record: there is no standby to fail over to`, "add a SECONDARY record of the same name and type pointing at the standby, with its own health check"), primary.urn);
    }
    if (secondary) {
      const checked = present(() => secondary.props.healthCheckId) || list(secondary.props.aliases).some((a) => record(a).evaluateTargetHealth === true);
      if (!checked) {
        report(violation(`the SECONDARY failover record ${secondary.name} has no health check: Route 53 answers with the standby even when it is down`, "set healthCheckId on the SECONDARY record (an aws.route53.HealthCheck probing the standby)"), secondary.urn);
      }
    }
  }
}

function trafficManager(r: PolicyResource, report: Report): void {
  if (r.props.trafficRoutingMethod !== "Priority") return;
  const enabled = list(r.props.endpoints).filter((e) => record(e).endpointStatus !== "Disabled");
  if (list(r.props.endpoints).length > 0 && enabled.length < 2) {
    report(violation(`Priority profile ${r.name} has ${enabled.length} enabled endpoint(s): there is no standby to fail over to`, 'enable a second endpoint (endpointStatus: "Enabled") at a lower priority'), r.urn);
  }
}

function cloudDns(r: PolicyResource, report: Report): void {
  const primaryBackup = at(r.props, "routingPolicy.primaryBackup");
  if (primaryBackup === undefined) return;
  const backups = list(record(primaryBackup).backupGeos);
  if (backups.length === 0) {
    report(violation(`primary/backup record set ${r.name} has no backup: there is no standby to fail over to`, "add a backupGeos item with healthCheckedTargets pointing at the standby"), r.urn);
  } else if (!backups.some((b) => list(at(b, "healthCheckedTargets.externalEndpoints")).length + list(at(b, "healthCheckedTargets.internalLoadBalancers")).length > 0)) {
    report(violation(`primary/backup record set ${r.name} backs up to plain rrdatas only: Cloud DNS never checks them, so it fails over to a standby it does not know is healthy`, "give the backupGeos item healthCheckedTargets instead of rrdatas"), r.urn);
  }
}

const sameSite = (a: Site | undefined, b: Site | undefined) => !!a && !!b && a.region === b.region && (a.cloud ?? b.cloud) === (b.cloud ?? a.cloud);
const label = (s: Site) => [s.cloud, s.region].filter(Boolean).join(" ");

function plan(resources: readonly PolicyResource[], report: Report): void {
  const declared = drPlan(resources);
  if (!declared) return;
  const { primary, standby, serving, dataPrimary, promoteData, inFlight } = declared.plan;
  if (serving && !sameSite(serving, primary) && !sameSite(serving, standby)) {
    report(violation(`the DR plan makes ${label(serving)} serve, which is neither its primary (${label(primary)}) nor its standby (${label(standby)}): no health-checked route leads there`, `set switchyard:dr.primary to ${primary.region} or ${standby.region}`), declared.urn);
  }
  if (serving && dataPrimary && promoteData !== false && inFlight !== true && !sameSite(serving, dataPrimary)) {
    report(
      violation(
        `${label(serving)} serves all traffic but the data primary is ${label(dataPrimary)}: writes cross regions, or reach a replica that refuses them`,
        `finish the failover or failback with switchyard (it promotes the data of the serving region), or set switchyard:dr.primary to ${dataPrimary.region}`,
      ),
      declared.urn,
    );
  }
}

export const drStandbyHealthy = stackRule({
  name: "dr-standby-healthy",
  description: "A failover plan has a healthy standby: a health-checked fallback route, a serving region among its sites, the data primary where the traffic is.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: `Give every failover route a health-checked fallback (Route 53 SECONDARY with a health check, a second enabled Traffic Manager endpoint, Cloud DNS backup with healthCheckedTargets); keep ${DR_OUTPUT}.serving and ${DR_OUTPUT}.dataPrimary on the same site once a failover settled.`,
  defaults: {},
  schema: {},
  check(resources, _config, report) {
    route53(resources, report);
    for (const r of resources) {
      if (r.type === AZURE.tmProfile) trafficManager(r, report);
      else if (r.type === GCP.dnsRecordSet) cloudDns(r, report);
    }
    plan(resources, report);
  },
});
