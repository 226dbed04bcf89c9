/** The standby runs in another region or cloud than the primary. */
import { violation } from "../../lib/finding";
import { drPlan, DR_OUTPUT } from "../../lib/plan";
import { stackRule } from "../../lib/rule";
import { AWS, AZURE, GCP } from "../../lib/types";
import { list, record, str } from "../../lib/values";
import { regionOf } from "./detect";

export const drStandbyRegion = stackRule({
  name: "dr-standby-region",
  description: "The DR standby is in another region (or cloud) than the primary.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Place the standby (replica, secondary, failover target) in a different region or cloud.",
  defaults: {},
  schema: {},
  check(resources, _config, report) {
    const declared = drPlan(resources);
    if (declared) {
      const { primary, standby } = declared.plan;
      if (!standby.region && !standby.cloud) {
        report(violation(`stack output ${DR_OUTPUT} names no standby region or cloud`, `export ${DR_OUTPUT}.standby: { cloud, region }`), declared.urn);
      } else if ((standby.cloud ?? primary.cloud) === primary.cloud && standby.region === primary.region) {
        report(violation(`the standby is in the primary's own region (${primary.cloud ?? ""} ${primary.region ?? ""}); one regional outage takes both`, "move the standby to another region or cloud"), declared.urn);
      }
    }
    for (const r of resources) {
      if (r.type === AWS.dynamoTable) {
        const home = regionOf(r);
        for (const replica of list(r.props.replicas)) {
          if (home && record(replica).regionName === home) {
            report(violation(`table ${r.name} has a replica in its own region ${home}`, "list replicas only in other regions"), r.urn);
          }
        }
      } else if (r.type === GCP.sqlInstance && str(r.props.masterInstanceName)) {
        const master = resources.find((m) => m.type === GCP.sqlInstance && (m.props.name === r.props.masterInstanceName || m.name === r.props.masterInstanceName));
        const region = regionOf(r);
        if (master && region && region === regionOf(master)) {
          report(violation(`replica ${r.name} is in ${region}, the same region as its primary ${master.name}`, "create the replica in another region"), r.urn);
        }
      } else if (r.type === AZURE.cosmos) {
        const names = list(r.props.locations).map((l) => str(record(l).locationName)?.toLowerCase().replace(/\s/g, ""));
        if (names.length > 1 && new Set(names).size < names.length) {
          report(violation(`Cosmos DB account ${r.name} lists the same region twice`, "give each failover priority its own region"), r.urn);
        }
      }
    }
  },
});
