/**
 * The dashboard's view of the project's pipelines: each one's last run and recent promotions, read
 * from the pipeline's records in the backend, as `pipeline status` reads them.
 */
import { pipelineDocument } from "../commands/pipeline";
import { openPipelineStore, PIPELINE_RUN_KEY, readPromotions, type PipelineRun } from "../pipeline/record";
import { ownerAlive } from "../rollout/record";

export interface PipelineSnapshot {
  readonly name: string;
  readonly readAt: string;
  readonly run?: ReturnType<typeof pipelineDocument> & { readonly driverAlive: boolean };
  readonly error?: string;
}

export async function readPipelineSnapshot(name: string, now = Date.now()): Promise<PipelineSnapshot> {
  const readAt = new Date(now).toISOString();
  try {
    const store = openPipelineStore(name);
    const [run, promotions] = await Promise.all([store.get<PipelineRun>(PIPELINE_RUN_KEY), readPromotions(store)]);
    if (!run) return { name, readAt };
    return { name, readAt, run: { ...pipelineDocument(name, run.value, promotions.slice(-10)), driverAlive: ownerAlive(run.value.owner, now) } };
  } catch (error) {
    return { name, readAt, error: (error as Error).message };
  }
}
