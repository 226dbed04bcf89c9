/**
 * The `kubernetes` target: a Deployment + Service per slot in one cluster (an explicit kubeconfig
 * context), with a Gateway API HTTPRoute when a gateway is configured, else a Service selector switch.
 */
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { KubernetesBlueGreenEnvironment } from "../../components/environment/kubernetes";
import { capacitySchema, healthCheckSchema, imageSchema, retiredScaleDownSchema } from "../../components/environment/schema";
import { environmentOutputs, type CommonConfig, type TargetDefinition } from "./types";
import { type TargetOutputs } from "../../model/outputs";

const label = (what: string) => z.string({ message: `is required: the ${what}` }).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a DNS label (lowercase letters, digits, '-')");

export const kubernetesSchema = z.strictObject({
  /** kubeconfig context of the cluster; the provider never falls back to the current context. */
  context: z.string({ message: "is required: the kubeconfig context of the cluster" }).min(1, "must not be empty"),
  namespace: label("namespace"),
  image: imageSchema,
  capacity: capacitySchema,
  healthCheck: healthCheckSchema,
  containerPort: z.number().int().min(1).max(65535).default(8080),
  /** Without a gateway, traffic can only be all-or-nothing (0/100). */
  gateway: z
    .strictObject({
      name: label("Gateway name"),
      namespace: label("Gateway namespace").optional(),
      hostnames: z.array(z.string().min(1)).min(1, "needs at least one host name"),
      /**
       * Where clients (and `status`, `deploy`'s check and `drift`) reach the route through the
       * Gateway, when not at http://<first hostname>: https, a port, or the Gateway's address.
       */
      endpoint: z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL, e.g. https://hello.example.com" }).optional(),
    })
    .optional(),
  /** Retired: refused with the fix (see retiredScaleDownSchema). */
    scaleDownIdleSlot: retiredScaleDownSchema,
});

export type KubernetesBlock = z.output<typeof kubernetesSchema>;

function build(common: CommonConfig, block: KubernetesBlock): TargetOutputs {
  const provider = new k8s.Provider(`${common.service}-k8s-${block.context}`, { context: block.context, namespace: block.namespace });
  const env = new KubernetesBlueGreenEnvironment(common.service, {
    provider,
    service: common.service,
    namespace: block.namespace,
    image: block.image,
    slots: { blue: { version: common.slots.blue.version, capacity: block.capacity.blue }, green: { version: common.slots.green.version, capacity: block.capacity.green } },
    weights: common.traffic,
    healthCheck: block.healthCheck,
    containerPort: block.containerPort,
    gateway: block.gateway,
    scaledDown: common.scaledDown,
  });
  return {
    ...environmentOutputs(env),
    ...(block.gateway?.endpoint ? { endpoint: block.gateway.endpoint } : {}),
    kubernetes: env.objects.apply((objects) => ({ context: block.context, ...objects })),
    trafficMode: block.gateway ? "weighted" : "all-or-nothing",
  };
}

export const kubernetesTarget: TargetDefinition<typeof kubernetesSchema> = {
  name: "kubernetes",
  schema: kubernetesSchema,
  build: (common, block) => build(common, block),
};
