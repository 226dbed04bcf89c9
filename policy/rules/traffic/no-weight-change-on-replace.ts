/**
 * A traffic resource that is being replaced must keep its weights in that update: the new
 * resource takes all its weights at once, so a shift hidden in a replacement skips every step.
 * Policies never see the old state; the driver passes it as `baseline` (see automation/policy).
 * Without a baseline (a plain `pulumi preview`), the rule has nothing to compare and passes.
 */
import { type Baseline, hashValue, weightsKey } from "../../lib/baseline";
import { violation } from "../../lib/finding";
import { replacementKeys } from "../../lib/replacement";
import { resourceRule } from "../../lib/rule";
import { known, UNKNOWN } from "../../lib/values";
import { weightSets } from "../../lib/weights";

export const trafficNoWeightChangeOnReplace = resourceRule<{ baseline: Baseline }>({
  name: "traffic-no-weight-change-on-replace",
  description: "No weight change on a traffic resource that is being replaced.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Replace the resource with its current weights first, then shift traffic in a separate update.",
  defaults: { baseline: {} },
  schema: { baseline: { type: "object", description: "URN → current weights and hashed replacement inputs; written by the switchyard driver" } },
  appliesTo: (type) => replacementKeys(type).length > 0,
  check(props, ctx, report) {
    const before = ctx.config.baseline[ctx.urn];
    if (!before) return;
    const sets = weightSets(ctx.type, props);
    const after = weightsKey(sets);
    if (after === before.weights) return;
    const replacing = replacementKeys(ctx.type).filter((key) => {
      const hash = known(() => hashValue(props[key] ?? null));
      // An input unknown until apply (another resource is being replaced) may well change.
      return hash === UNKNOWN || hash !== before.replaceKeys[key];
    });
    if (replacing.length === 0) return;
    report(
      violation(
        `${ctx.name} will be replaced (${replacing.join(", ")} changes) while its weights change from ${before.weights} to ${after}`,
        "keep the current weights in this update and shift traffic in the next one",
      ),
    );
  },
});
