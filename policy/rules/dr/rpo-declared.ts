/** A DR setup declares its recovery point objective, within the configured maximum. */
import { violation } from "../../lib/finding";
import { drPlan, DR_OUTPUT } from "../../lib/plan";
import { stackRule } from "../../lib/rule";
import { isDrResource } from "./detect";

export const drRpoDeclared = stackRule<{ maxRpoSeconds: number }>({
  name: "dr-rpo-declared",
  description: "A DR setup declares its RPO.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: `Export ${DR_OUTPUT}.rpoSeconds from the program (the data loss the business accepts on failover).`,
  defaults: { maxRpoSeconds: 0 },
  schema: { maxRpoSeconds: { type: "number", minimum: 0, description: "largest RPO accepted; 0 means any" } },
  check(resources, config, report) {
    const declared = drPlan(resources);
    const drResource = resources.find(isDrResource);
    if (!declared && !drResource) return;
    const rpo = declared?.plan.rpoSeconds;
    if (rpo === undefined || rpo <= 0) {
      const why = declared ? `stack output ${DR_OUTPUT} declares no RPO` : `${drResource!.name} sets up DR but the stack declares no DR plan with an RPO`;
      report(violation(why, `export ${DR_OUTPUT}.rpoSeconds, e.g. 900 for 15 minutes`), declared?.urn ?? drResource?.urn);
    } else if (config.maxRpoSeconds > 0 && rpo > config.maxRpoSeconds) {
      report(violation(`the declared RPO of ${rpo}s exceeds the allowed ${config.maxRpoSeconds}s`, `replicate more often and lower ${DR_OUTPUT}.rpoSeconds to ${config.maxRpoSeconds} or less`), declared!.urn);
    }
  },
});
