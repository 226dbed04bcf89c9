/** Kubernetes split through the Gateway API: one HTTPRoute with a weighted backendRef per slot Service. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkedWeights } from "./checked-weights";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { k8sHttpRoute } from "./mechanisms/k8s-http-route";
import { OWNED_ANNOTATIONS } from "../kubernetes/annotations";
import { routeShares } from "../kubernetes/read-back";

const TYPE = "switchyard:traffic:HttpRouteSplit";

export interface HttpRouteBackendRef {
  readonly name: string;
  readonly port: number;
  readonly weight: number;
}

/** One weighted backendRef per slot (mechanisms/k8s-http-route.ts). */
export function toHttpRouteBackendRefs(w: Weights, services: Readonly<Record<Slot, string>>, port: number): HttpRouteBackendRef[] {
  assertValidWeights(TYPE, "weights", w);
  const native = k8sHttpRoute.toNative(w);
  return SLOTS.map((slot) => ({ name: services[slot], port, weight: native[slot] }));
}

export interface GatewayRef {
  readonly name: string;
  /** @default the route's namespace */
  readonly namespace?: string;
}

export interface HttpRouteSplitArgs {
  readonly provider: k8s.Provider;
  readonly namespace: string;
  readonly gateway: GatewayRef;
  /** Service name per slot. */
  readonly services: Readonly<Record<Slot, string>>;
  /** @default 80 */
  readonly port?: number;
  readonly hostnames: readonly string[];
  readonly weights: pulumi.Input<Weights>;
}

export class HttpRouteSplit extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly route: k8s.apiextensions.CustomResource;

  constructor(name: string, args: HttpRouteSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const weights = checkedWeights(TYPE, args.weights);
    const port = args.port ?? 80;
    this.route = new k8s.apiextensions.CustomResource(
      `${name}-route`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: {
          name,
          namespace: args.namespace,
          // A custom resource is "ready" at once unless told what to wait for.
          annotations: { ...OWNED_ANNOTATIONS, "pulumi.com/waitFor": 'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True' },
        },
        spec: {
          parentRefs: [{ name: args.gateway.name, namespace: args.gateway.namespace ?? args.namespace }],
          hostnames: [...args.hostnames],
          rules: [{ backendRefs: weights.apply((w) => toHttpRouteBackendRefs(w, args.services, port)) }],
        },
      },
      { parent: this, provider: args.provider },
    );
    // The weights the route holds as the provider read it after applying, not the ones asked for.
    const stored = (this.route as unknown as { spec: pulumi.Output<Parameters<typeof routeShares>[0]["spec"]> }).spec;
    this.weights = pulumi.all([stored, this.route.metadata]).apply(([spec, metadata]) => routeShares({ spec, metadata: { namespace: metadata?.namespace } }, args.services));
    this.endpoint = pulumi.output(`http://${args.hostnames[0] ?? `${name}.${args.namespace}`}`);
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
