/**
 * A throwaway `kubernetes` stack on the test cluster (kube-cluster.ts): a test project
 * (project.ts) whose stack file has `target: kubernetes` and a `kubernetes:` block naming the
 * cluster's kubeconfig context, a namespace of its own and a Gateway of its own (so that stacks of
 * one file never share a route's host on the simulated data plane), with the provider's bin dir
 * on PATH and the cluster's kubeconfig in KUBECONFIG for every engine run and CLI process. Reads
 * the objects back from the API server, as `kubectl get` would.
 */
import * as path from "node:path";
import type { StackConfigInput } from "../../model/config/stack";
import type { Slot, Weights } from "../../model/weights";
import { routeShares } from "../../components/kubernetes/read-back";
import type { KubeCluster } from "./kube-cluster";
import { createTestProject, type TestProject } from "./project";

export const IMAGE = "ghcr.io/switchyard/hello";
export const SERVICE = "hello";

export interface KubeProject extends TestProject {
  readonly cluster: KubeCluster;
  readonly namespace: string;
  /** The simulated data plane of the stack's Gateway (its endpoint). */
  readonly gatewayUrl: string;
  /** The stack's `switchyard:kubernetes` block as written by default. */
  readonly block: Record<string, unknown>;
  /** The HTTPRoute as the API server holds it; undefined when it does not exist. */
  route(): Promise<any | undefined>;
  /** The route's first rule's shares per slot, as read back; undefined without a route. */
  routeWeights(): Promise<Weights | undefined>;
  deployment(slot: Slot): Promise<any | undefined>;
  service(slot: Slot): Promise<any | undefined>;
  /** What a test compares before and after a refused command: each object's spec and resourceVersion. */
  snapshot(): Promise<Record<string, unknown>>;
}

export interface KubeProjectOptions {
  /** @default `ns-<name>` */
  readonly namespace?: string;
  /** More `switchyard:` values, merged over the defaults (a `kubernetes` block replaces the default one). */
  readonly config?: Partial<StackConfigInput>;
}

async function getOrUndefined(cluster: KubeCluster, apiPath: string): Promise<any | undefined> {
  const response = await cluster.request("GET", apiPath);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET ${apiPath}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

export async function createKubeProject(name: string, cluster: KubeCluster, options: KubeProjectOptions = {}): Promise<KubeProject> {
  const namespace = options.namespace ?? `ns-${name}`;
  await cluster.ensureNamespace(namespace);
  const gatewayUrl = await cluster.createGateway(`gw-${name}`, "gateway-system");
  const block = {
    context: cluster.context,
    namespace,
    image: IMAGE,
    capacity: { blue: 2, green: 2 },
    healthCheck: { path: "/healthz" },
    gateway: { name: `gw-${name}`, namespace: "gateway-system", hostnames: ["localhost"], endpoint: gatewayUrl },
  };
  const binDir = path.dirname(cluster.tools.binaries["kube-apiserver"]!.path);
  const project = await createTestProject(name, {
    env: { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`, KUBECONFIG: cluster.kubeconfig },
    config: { target: "kubernetes", kubernetes: block, rollout: { bake: 0, scaleDownDelay: 0 }, ...options.config } as Partial<StackConfigInput>,
  });
  const ns = (kind: string) => `/namespaces/${namespace}/${kind}`;
  const routePath = `/apis/gateway.networking.k8s.io/v1${ns("httproutes")}/${SERVICE}-traffic`;
  const deploymentPath = (slot: Slot) => `/apis/apps/v1${ns("deployments")}/${SERVICE}-${slot}`;
  const servicePath = (slot: Slot) => `/api/v1${ns("services")}/${SERVICE}-${slot}`;
  const kube: KubeProject = Object.assign(project, {
    cluster,
    namespace,
    gatewayUrl,
    block,
    route: () => getOrUndefined(cluster, routePath),
    async routeWeights() {
      const route = await kube.route();
      return route ? routeShares(route, { blue: `${SERVICE}-blue`, green: `${SERVICE}-green` }) : undefined;
    },
    deployment: (slot: Slot) => getOrUndefined(cluster, deploymentPath(slot)),
    service: (slot: Slot) => getOrUndefined(cluster, servicePath(slot)),
    async snapshot() {
      const objects: Record<string, unknown> = {};
      const keep = (body: any) => (body ? { resourceVersion: body.metadata.resourceVersion, spec: body.spec } : null);
      objects.route = keep(await kube.route());
      for (const slot of ["blue", "green"] as const) {
        objects[`deployment-${slot}`] = keep(await kube.deployment(slot));
        objects[`service-${slot}`] = keep(await kube.service(slot));
      }
      return objects;
    },
  });
  return kube;
}
