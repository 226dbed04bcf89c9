/**
 * What the Kubernetes traffic objects really carry, read from the API server (never from the
 * component's inputs or from state): the HTTPRoute's backendRef weights, or the slot a switch
 * Service selects. Pure parts are exported for tests; the reads need the stack's `kubernetes`
 * output (context, namespace, object names).
 */
import type { KubernetesOutputs, StackOutputs } from "../../model/outputs";
import type { Slot, Weights } from "../../model/weights";
import { getObject, kubeApi, KubeApiError, type KubeApi } from "./api";

const SLOTS: readonly Slot[] = ["blue", "green"];

export const routePath = (namespace: string, name: string) => `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/${name}`;
export const servicePath = (namespace: string, name: string) => `/api/v1/namespaces/${namespace}/services/${name}`;
export const deploymentPath = (namespace: string, name: string) => `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;

interface BackendRef {
  readonly name?: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly group?: string;
  readonly weight?: number;
}

/**
 * Each slot's share of the route's first rule (the one the component writes), in percent of all
 * its backends' weights: a backend that is neither slot's Service (added by hand) takes its
 * share from both. A ref without a weight counts 1, as the Gateway API says. All weights 0: the
 * Gateway answers 500 to every request, and both shares are 0.
 */
export function routeShares(route: { spec?: { rules?: { backendRefs?: BackendRef[] }[] }; metadata?: { namespace?: string } }, services: Readonly<Record<Slot, string>>): Weights {
  const refs = route.spec?.rules?.[0]?.backendRefs ?? [];
  const namespace = route.metadata?.namespace;
  const isService = (ref: BackendRef) => (ref.kind ?? "Service") === "Service" && (ref.group ?? "") === "" && (ref.namespace ?? namespace) === namespace;
  const weight = (ref: BackendRef) => ref.weight ?? 1;
  const total = refs.reduce((sum, ref) => sum + weight(ref), 0);
  const share = (slot: Slot) => {
    if (total === 0) return 0;
    const mine = refs.filter((ref) => isService(ref) && ref.name === services[slot]).reduce((sum, ref) => sum + weight(ref), 0);
    return Math.round((100 * mine) / total);
  };
  return { blue: share("blue"), green: share("green") };
}

/** The slot a switch Service's selector picks; undefined when it names none (it then selects both slots' pods). */
export function selectedSlot(service: { spec?: { selector?: Record<string, string> } }): Slot | undefined {
  const slot = service.spec?.selector?.slot;
  return SLOTS.find((s) => s === slot);
}

function kubernetesOf(outputs: StackOutputs): KubernetesOutputs | undefined {
  const k = outputs.kubernetes;
  return k && typeof k.context === "string" && typeof k.namespace === "string" ? k : undefined;
}

/** The HTTPRoute's weights as the API server holds them; undefined when the stack names no route (deployed by an older version). */
export async function readRouteWeights(outputs: StackOutputs, api?: KubeApi): Promise<Weights | undefined> {
  const k = kubernetesOf(outputs);
  if (!k?.route) return undefined;
  const client = api ?? (await kubeApi(k.context));
  const route = await getObject(client, routePath(k.namespace, k.route));
  if (!route) throw new KubeApiError(`the HTTPRoute ${k.namespace}/${k.route} does not exist on ${client.server} (context "${k.context}")`);
  return routeShares(route, k.services);
}

/** The weights a switch Service gives (all on the slot it selects); undefined when the stack names none. */
export async function readSwitchWeights(outputs: StackOutputs, api?: KubeApi): Promise<Weights | undefined> {
  const k = kubernetesOf(outputs);
  if (!k?.switchService) return undefined;
  const client = api ?? (await kubeApi(k.context));
  const service = await getObject(client, servicePath(k.namespace, k.switchService));
  if (!service) throw new KubeApiError(`the Service ${k.namespace}/${k.switchService} does not exist on ${client.server} (context "${k.context}")`);
  const slot = selectedSlot(service);
  if (!slot) throw new KubeApiError(`the Service ${k.namespace}/${k.switchService}'s selector names no slot (${JSON.stringify(service.spec?.selector ?? {})}): it sends traffic to the pods of both`);
  return slot === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 };
}
