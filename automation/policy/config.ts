/**
 * The pack config the engine gets: the user's file (enforcement levels, thresholds, freeze
 * windows), plus the baseline for the rules that compare with the current state. Written to a
 * temporary file because the engine takes pack config only as a path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Baseline } from "../../policy/lib/baseline";
import type { PipelineEvidence } from "../../policy/rules/rollout/pipeline-order";
import { PolicyConfigError } from "./errors";

export type PackConfig = Record<string, unknown>;

/** Rules that read `baseline` from their config. */
export const BASELINE_RULES = ["traffic-no-weight-change-on-replace", "rollout-freeze-window"] as const;

export const defaultConfigFile = (workDir: string, stackName: string) => path.join(workDir, "stacks", `Pulumi.${stackName}.policy.json`);

export function readPackConfig(file: string | undefined): PackConfig {
  if (!file || !existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PolicyConfigError(`policy config ${file} is not valid JSON: ${(error as Error).message}`, "fix the JSON syntax");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PolicyConfigError(`policy config ${file} must be a JSON object keyed by rule name`, 'write e.g. { "rollout-first-step": { "enforcementLevel": "mandatory", "maxFirstStepPercent": 10 } }');
  }
  return parsed as PackConfig;
}

/** A rule's entry may be a bare level ("advisory") or an object; what the driver adds joins either. */
function withRuleSettings(config: PackConfig, rule: string, added: Record<string, unknown>): PackConfig {
  const entry = config[rule];
  const settings = typeof entry === "string" ? { enforcementLevel: entry } : { ...(entry as object | undefined) };
  return { ...config, [rule]: { ...settings, ...added } };
}

export function withBaseline(config: PackConfig, baseline: Baseline): PackConfig {
  return BASELINE_RULES.reduce((out, rule) => withRuleSettings(out, rule, { baseline }), config);
}

/** The rule that checks a pipeline stage's version against the stage before reads the promotion records' evidence. */
export const PIPELINE_RULE = "pipeline-verified-before";

export function withPipelineEvidence(config: PackConfig, evidence: PipelineEvidence | undefined): PackConfig {
  return evidence ? withRuleSettings(config, PIPELINE_RULE, { evidence }) : config;
}

export interface WrittenConfig {
  readonly file: string;
  dispose(): void;
}

export function writePackConfig(config: PackConfig): WrittenConfig {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-policy-"));
  const file = path.join(dir, "policy-config.json");
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
