/** The Kubernetes preflight: what the program does not create must exist, asked of the API server (a fake one here). */
import assert from "node:assert/strict";
import { KubeApiError, type KubeApi } from "../../../components/kubernetes/api";
import { kubernetesProblems } from "../../../automation/preflight";
import type { KubernetesBlock } from "../../../stacks/targets/kubernetes";

const block = { context: "ctx", namespace: "apps", image: "i", capacity: { blue: 1, green: 1 }, healthCheck: { path: "/" }, containerPort: 8080, gateway: { name: "public", namespace: "gw", hostnames: ["h"] } } as KubernetesBlock;

/** A fake API server answering `status` per path (200 unless listed). */
const fake = (answers: Record<string, number | Error>) => async (context: string): Promise<KubeApi> => ({
  server: "https://fake",
  context,
  get: async (apiPath: string) => {
    const answer = answers[apiPath] ?? 200;
    if (answer instanceof Error) throw answer;
    return { status: answer, body: answer === 200 ? { metadata: {} } : { message: "x" } };
  },
});

describe("preflight: the kubernetes target", () => {
  it("everything there: no problem", async () => {
    assert.deepEqual(await kubernetesProblems(block, fake({})), []);
  });

  it("a namespace and a Gateway that do not exist: each named by its key", async () => {
    const problems = await kubernetesProblems(block, fake({ "/api/v1/namespaces/apps": 404, "/apis/gateway.networking.k8s.io/v1/namespaces/gw/gateways/public": 404 }));
    assert.deepEqual(problems.map((p) => [p.path, p.value]), [["switchyard:kubernetes.namespace", '"apps"'], ["switchyard:kubernetes.gateway.name", '"public"']]);
    assert.match(problems[0]!.message, /does not exist in the cluster of context "ctx" \(https:\/\/fake\); the stack does not create it/);
    assert.match(problems[0]!.fix, /kubectl create namespace apps/);
  });

  it("a context the kubeconfig lacks is named; an unreachable or forbidding cluster is left to the engine", async () => {
    const missing = await kubernetesProblems(block, async () => Promise.reject(new KubeApiError('the kubeconfig /k has no context "ctx"')));
    assert.deepEqual(missing.map((p) => p.path), ["switchyard:kubernetes.context"]);
    assert.deepEqual(await kubernetesProblems(block, async () => Promise.reject(new KubeApiError("connect ECONNREFUSED"))), []);
    assert.deepEqual(await kubernetesProblems(block, fake({ "/api/v1/namespaces/apps": 403, "/apis/gateway.networking.k8s.io/v1/namespaces/gw/gateways/public": new Error("reset") })), []);
  });
});
