/** Weights must be valid for their mechanism: range, whole numbers, sum, Azure's no-zero rule, not all zero. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { weightSets, type WeightSet } from "../../lib/weights";

export function weightProblems(s: WeightSet): string[] {
  const where = `${s.mechanism} ${s.path}`;
  const shown = `[${s.weights.join(", ")}]`;
  const problems: string[] = [];
  const bad = s.weights.filter((w) => !Number.isInteger(w) || w < s.min || w > s.max);
  if (bad.length) {
    problems.push(violation(`${where}: ${shown} has values outside ${s.min}..${s.max} or not whole`, `use whole weights from ${s.min} to ${s.max}`));
  }
  if (!s.zeroAllowed && s.weights.includes(0)) {
    problems.push(violation(`${where}: a weight of 0, which Azure rejects`, "drain the endpoint or origin by disabling it (endpointStatus/enabledState: Disabled) with weight 1"));
  }
  if (s.weights.length > 0 && s.weights.every((w) => w === 0)) {
    problems.push(violation(`${where}: every weight is 0, so no traffic goes anywhere`, "give the active slot a non-zero weight"));
  }
  const sum = s.weights.reduce((a, b) => a + b, 0);
  if (s.sumTo !== undefined && !bad.length && sum !== s.sumTo) {
    problems.push(violation(`${where}: ${shown} adds up to ${sum}, not ${s.sumTo}`, `make the weights add up to ${s.sumTo}`));
  }
  if (s.maxEntries !== undefined && s.weights.length > s.maxEntries) {
    problems.push(violation(`${where}: ${s.weights.length} entries; at most ${s.maxEntries} are allowed`, `keep at most ${s.maxEntries} weighted targets`));
  }
  return problems;
}

export const trafficWeightsValid = resourceRule({
  name: "traffic-weights-valid",
  description: "Traffic weights must be valid for their mechanism.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Use the mechanism's range (ALB 0-999, Route 53 0-255, URL map 0-1000, Azure 1-1000, local and Cloud Run percentages adding up to 100).",
  defaults: {},
  schema: {},
  appliesTo: () => true,
  check(props, ctx, report) {
    for (const s of weightSets(ctx.type, props)) for (const problem of weightProblems(s)) report(problem);
  },
});
