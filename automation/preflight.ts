/**
 * What a target must already have before the engine may run, asked of the target itself: a
 * refusal names the config key and changes nothing. On Kubernetes the program creates neither the
 * namespace nor the Gateway; without them the provider retries each object for a minute (a
 * missing namespace) or waits out its await for the route to be accepted (a missing Gateway),
 * and then fails naming the object, not the key to change.
 *
 * Only definite answers refuse (a context the kubeconfig lacks, 404 for the namespace or the
 * Gateway). A cluster that cannot be reached, or that forbids the read, is left to the engine,
 * which says why in its own words.
 */
import { getObject, kubeApi, KubeApiError, kubeconfigFiles, type KubeApi } from "../components/kubernetes/api";
import { ConfigError, type ConfigProblem } from "../model/errors";
import type { StackConfig } from "../model/config/stack";
import { stackFilePath } from "../model/config-keys";
import type { KubernetesBlock } from "../stacks/targets/kubernetes";
import * as path from "node:path";

/** Answers 200 or 404 only; anything else (unreachable, forbidden) is "cannot tell". */
async function exists(api: KubeApi, apiPath: string): Promise<boolean | undefined> {
  try {
    return (await getObject(api, apiPath)) !== undefined;
  } catch {
    return undefined;
  }
}

export async function kubernetesProblems(block: KubernetesBlock, connect: (context: string) => Promise<KubeApi> = kubeApi): Promise<ConfigProblem[]> {
  let api: KubeApi;
  try {
    api = await connect(block.context);
  } catch (error) {
    if (error instanceof KubeApiError && /has no context/.test(error.message)) {
      return [{ path: "switchyard:kubernetes.context", message: error.message.replace(/^the /, "is not in the kubeconfig: the "), value: JSON.stringify(block.context), fix: `name a context of ${kubeconfigFiles().join(path.delimiter)} (kubectl config get-contexts), or point KUBECONFIG at the cluster's kubeconfig` }];
    }
    return [];
  }
  const where = `the cluster of context "${block.context}" (${api.server})`;
  const problems: ConfigProblem[] = [];
  if ((await exists(api, `/api/v1/namespaces/${block.namespace}`)) === false) {
    problems.push({ path: "switchyard:kubernetes.namespace", message: `does not exist in ${where}; the stack does not create it`, value: JSON.stringify(block.namespace), fix: `create it (kubectl create namespace ${block.namespace}), or name an existing one` });
  }
  if (block.gateway) {
    const namespace = block.gateway.namespace ?? block.namespace;
    if ((await exists(api, `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/gateways/${block.gateway.name}`)) === false) {
      problems.push({
        path: "switchyard:kubernetes.gateway.name",
        message: `the Gateway ${namespace}/${block.gateway.name} does not exist in ${where} (or the cluster lacks the Gateway API), so no controller would accept the route`,
        value: JSON.stringify(block.gateway.name),
        fix: "name the Gateway your gateway controller runs (kubectl get gateways -A), and its namespace in gateway.namespace",
      });
    }
  }
  return problems;
}

/** Refuses, before any engine call, a stack whose target lacks what the program does not create. */
export async function preflight(config: StackConfig, stack: string, workDir: string): Promise<void> {
  if (config.target !== "kubernetes") return;
  const problems = await kubernetesProblems((config as unknown as { kubernetes: KubernetesBlock }).kubernetes);
  if (problems.length) throw new ConfigError(problems, path.relative(workDir, stackFilePath(workDir, stack)));
}
