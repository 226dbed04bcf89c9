/**
 * Strict blue/green without a gateway: one Service whose selector picks the active slot. It is
 * all-or-nothing, so weights other than 0/100 are rejected rather than rounded.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkedWeights } from "./checked-weights";
import { type Slot, type Weights } from "../../model/weights";
import { assertValidWeights } from "./checked-weights";
import { k8sServiceSwitch } from "./mechanisms/k8s-service-switch";
import { OWNED_ANNOTATIONS } from "../kubernetes/annotations";

const TYPE = "switchyard:traffic:ServiceSwitch";

/** The slot that takes all traffic; throws on any split in between. */
export function toServiceSelectorSlot(w: Weights): Slot {
  assertValidWeights(TYPE, "weights", w);
  return k8sServiceSwitch.toNative(w);
}

export interface ServiceSwitchArgs {
  readonly provider: k8s.Provider;
  readonly namespace: string;
  /** Name of the stable Service clients use. */
  readonly serviceName: string;
  /** Labels common to both slots' pods; the switch adds `slot: <blue|green>`. */
  readonly selector: Readonly<Record<string, string>>;
  /** @default 80 */
  readonly port?: number;
  readonly targetPort: number;
  readonly weights: pulumi.Input<Weights>;
}

export class ServiceSwitch extends pulumi.ComponentResource {
  readonly weights: pulumi.Output<Weights>;
  readonly endpoint: pulumi.Output<string>;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: ServiceSwitchArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const weights = checkedWeights(TYPE, args.weights, toServiceSelectorSlot);
    const active = weights.apply(toServiceSelectorSlot);
    const port = args.port ?? 80;
    // spec.selector is not force-new for a Service, so the switch is an in-place update.
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: args.serviceName, namespace: args.namespace, annotations: { ...OWNED_ANNOTATIONS } },
        spec: { type: "ClusterIP", selector: active.apply((slot) => ({ ...args.selector, slot })), ports: [{ name: "http", port, targetPort: args.targetPort }] },
      },
      { parent: this, provider: args.provider },
    );
    this.weights = this.service.spec.apply((spec) => (spec.selector?.slot === "green" ? { blue: 0, green: 100 } : { blue: 100, green: 0 }));
    this.endpoint = pulumi.output(`http://${args.serviceName}.${args.namespace}.svc.cluster.local:${port}`);
    this.registerOutputs({ weights: this.weights, endpoint: this.endpoint });
  }
}
