/**
 * A version reaches a pipeline's stage only after the stage before it verified that version.
 * The pipeline's promotion records in the state backend are the evidence; the switchyard driver
 * reads them and passes what the rule needs as `evidence` (a plain `pulumi preview` has none: the
 * pack cannot read the backend, so without evidence the rule has nothing to judge and says so only
 * when asked to, with `requireEvidence`).
 */
import { violation } from "../../lib/finding";
import { rolloutPlan } from "../../lib/plan";
import { stackRule } from "../../lib/rule";

export interface PipelineEvidence {
  readonly pipeline: string;
  /** 1-based stage of this stack, and the stack of the stage before it. */
  readonly stage: number;
  readonly previous: string;
  /** Versions the previous stage verified (its promotion records). */
  readonly verified: readonly string[];
  /** The version this stack serves now (its last release): keeping it needs no new evidence. */
  readonly current?: string;
}

interface Config {
  evidence?: PipelineEvidence;
  /** Fail a stack without evidence (set it in the pack config of a stack that is a later stage). */
  requireEvidence: boolean;
}

export const pipelineOrder = stackRule<Config>({
  name: "pipeline-verified-before",
  description: "A version reaches a pipeline's stage only after the stage before it verified it.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Promote the version through the pipeline (switchyard pipeline run NAME --version V), which verifies it at each stage before the next.",
  defaults: { requireEvidence: false },
  schema: {
    evidence: { type: "object", description: "written by the switchyard driver from the pipeline's promotion records" },
    requireEvidence: { type: "boolean", description: "fail when no evidence is given (plain pulumi preview)" },
  },
  check(resources, config, report) {
    const plan = rolloutPlan(resources);
    const evidence = config.evidence;
    if (!evidence) {
      if (config.requireEvidence) report(violation("this stack is a later stage of a pipeline, and this run has no evidence of what the stage before it verified", "run the check through switchyard (switchyard policy --stack S), which reads the pipeline's promotion records"));
      return;
    }
    const version = plan?.plan.release?.version;
    if (!version) {
      report(violation(`stage ${evidence.stage} of pipeline ${evidence.pipeline}: this run does not say which version it serves (stack output rolloutPlan.release)`, "name the serving slot in switchyard:active and give it a version"), plan?.urn);
      return;
    }
    if (version === evidence.current || evidence.verified.includes(version)) return;
    report(
      violation(
        `version ${version} would reach stage ${evidence.stage} of pipeline ${evidence.pipeline} before ${evidence.previous} verified it (${evidence.previous} verified: ${evidence.verified.length ? evidence.verified.slice(-5).join(", ") : "none"})`,
        `run switchyard pipeline run ${evidence.pipeline} --version ${version}, which verifies it at ${evidence.previous} first`,
      ),
      plan?.urn,
    );
  },
});
