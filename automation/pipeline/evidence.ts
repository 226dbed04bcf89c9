/**
 * What the policy rule `pipeline-verified-before` judges a stack by: whether the stack is a later
 * stage of one of the project's pipelines, and which versions the stage before it verified (the
 * pipeline's promotion records), plus the version the stack serves now.
 */
import { loadPipeline, projectPipelines } from "../../model/config/pipeline";
import type { PipelineEvidence } from "../../policy/rules/rollout/pipeline-order";
import { listReleases } from "../releases/releases";
import { openDocumentStore } from "../store/open-store";
import { engineBackendUrl, PROJECT_NAME } from "../workspace";
import { openPipelineStore, readPromotions } from "./record";

export async function pipelineEvidence(workDir: string, stack: string): Promise<PipelineEvidence | undefined> {
  for (const name of projectPipelines(workDir)) {
    // A pipeline file that does not load says so when it runs; here it shows no membership.
    let stages: string[];
    try {
      stages = loadPipeline(workDir, name).stages.map((s) => s.stack);
    } catch {
      continue;
    }
    const index = stages.indexOf(stack);
    if (index <= 0) continue;
    const previous = stages[index - 1]!;
    const promotions = await readPromotions(openPipelineStore(name));
    const last = (await listReleases(openDocumentStore(engineBackendUrl(), PROJECT_NAME, stack))).at(-1);
    return {
      pipeline: name,
      stage: index + 1,
      previous,
      verified: [...new Set(promotions.filter((p) => p.stack === previous && p.outcome === "verified").map((p) => p.version))],
      current: last?.activeSlot ? last.versions[last.activeSlot] : undefined,
    };
  }
  return undefined;
}
