/**
 * The project's layering, as dependency-cruiser rules: model/ at the bottom (npm packages only),
 * stacks/ and components/ never reaching into the driver, no import cycles (type-only imports
 * count: they couple modules as much as value imports do).
 */
import type { ICruiseOptions, IForbiddenRuleType } from "dependency-cruiser";

const LAYERED = "^(automation|stacks|components|model)/";
const PROJECT = "^(automation|stacks|components|model|policy|test|bench|sample-service|bootstrap)/";

export const LAYERING_RULES: readonly IForbiddenRuleType[] = [
  {
    name: "model-imports-no-project-code",
    comment: "model/ is what everything else shares; it may import npm packages and itself only",
    severity: "error",
    from: { path: "^model/" },
    to: { path: PROJECT, pathNot: "^model/" },
  },
  {
    name: "stacks-not-to-automation",
    comment: "the program runs under a plain `pulumi up`; what it shares with the driver belongs in model/",
    severity: "error",
    from: { path: "^stacks/" },
    to: { path: "^automation/" },
  },
  {
    name: "components-not-to-automation",
    comment: "components are declarative engine resources; what they share with the driver belongs in model/",
    severity: "error",
    from: { path: "^components/" },
    to: { path: "^automation/" },
  },
  {
    name: "policy-only-to-model-and-mechanisms",
    comment: "the policy pack runs in the engine's analyzer process; of the project it may load model/ and the pure mechanism descriptors alone",
    severity: "error",
    from: { path: "^policy/" },
    to: { path: PROJECT, pathNot: "^(policy/|model/|components/traffic/mechanisms/)" },
  },
  {
    name: "mechanisms-stay-pure",
    comment: "the policy pack loads the mechanism descriptors: no Pulumi SDK, and no component that needs one",
    severity: "error",
    from: { path: "^components/traffic/mechanisms/" },
    to: { path: ["@pulumi/", "^components/(environment|traffic/[^/]+\\.ts$|dr/)"] },
  },
  {
    name: "no-cycles",
    comment: "an import cycle (type-only imports too) makes two modules one; move what both need down",
    severity: "error",
    from: { path: LAYERED },
    to: { circular: true },
  },
];

export interface LayeringViolation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  /** For a cycle: the modules around it, starting after `from`. */
  readonly cycle?: readonly string[];
}

export interface LayeringResult {
  readonly violations: readonly LayeringViolation[];
  /** Every module the cruise saw, relative to `baseDir`. */
  readonly modules: readonly string[];
}

/** Cruises `roots` under `baseDir` with the rules above. */
export async function checkLayering(baseDir: string, roots: readonly string[], tsConfigFile?: string): Promise<LayeringResult> {
  const { cruise } = await import("dependency-cruiser");
  const options: ICruiseOptions = {
    baseDir,
    validate: true,
    ruleSet: { forbidden: [...LAYERING_RULES] },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    ...(tsConfigFile ? { tsConfig: { fileName: tsConfigFile } } : {}),
  };
  const result = await cruise([...roots], options);
  if (typeof result.output === "string") throw new Error("dependency-cruiser returned text where a result was expected");
  return {
    violations: (result.output.summary.violations ?? []).map((v) => ({
      rule: v.rule.name,
      from: v.from,
      to: v.to,
      ...(v.cycle ? { cycle: v.cycle.map((step) => step.name) } : {}),
    })),
    modules: result.output.modules.map((m) => m.source),
  };
}

/** One line per violation: the rule, the import, and for a cycle the way back. */
export function describeViolation(v: LayeringViolation): string {
  const cycle = v.cycle ? ` (cycle: ${[v.from, ...v.cycle].join(" -> ")})` : "";
  const rule = LAYERING_RULES.find((r) => r.name === v.rule);
  return `${v.rule}: ${v.from} imports ${v.to}${cycle}${rule?.comment ? ` — ${rule.comment}` : ""}`;
}
