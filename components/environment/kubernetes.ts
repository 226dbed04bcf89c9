/**
 * Blue/green on Kubernetes: per slot a Deployment and a Service; traffic through a Gateway API
 * HTTPRoute when a gateway is given, otherwise a stable Service whose selector flips (0/100 only).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../errors";
import { OWNED_ANNOTATIONS } from "../kubernetes/annotations";
import { checkedWeights } from "../traffic/checked-weights";
import { HttpRouteSplit, type GatewayRef } from "../traffic/k8s-http-route";
import { ServiceSwitch, toServiceSelectorSlot } from "../traffic/k8s-service-switch";
import type { MechanismKind } from "../../model/mechanism";
import type { KubernetesOutputs } from "../../model/outputs";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import { assertHealthCheck, assertScaledDown, assertSlots, HEALTH_DEFAULTS, slotCapacities, type HealthCheckSpec, type SlotSpec } from "./slots";

const TYPE = "switchyard:environment:KubernetesBlueGreenEnvironment";

export interface KubernetesBlueGreenEnvironmentArgs {
  /** Provider of the target cluster (kubeconfig context); never the ambient one. */
  readonly provider: k8s.Provider;
  readonly service: string;
  readonly namespace: string;
  /** Image repository; a slot's version is the tag. */
  readonly image: string;
  /** `capacity` is the Deployment's replica count. */
  readonly slots: Readonly<Record<Slot, SlotSpec>>;
  readonly weights: pulumi.Input<Weights>;
  readonly healthCheck: HealthCheckSpec;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Weighted split through this Gateway. @default none: Service selector switch (0/100 only) */
  readonly gateway?: GatewayRef & { readonly hostnames: readonly string[] };
  /** @default undefined */
  /** The idle slot the driver scaled down (capacity 0); the driver's, never the stack file's. */
  readonly scaledDown?: Slot;
}

export function assertKubernetesEnvironmentArgs(args: KubernetesBlueGreenEnvironmentArgs): void {
  assertSlots(TYPE, args.slots);
  assertHealthCheck(TYPE, "healthCheck", args.healthCheck);
  assertScaledDown(TYPE, args.scaledDown);
  if (!args.image) throw new ComponentArgsError(TYPE, "image", "must not be empty", "give the image repository, e.g. ghcr.io/org/app");
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(args.namespace ?? "")) {
    throw new ComponentArgsError(TYPE, "namespace", `must be a DNS label, got ${JSON.stringify(args.namespace)}`, 'use e.g. "apps"');
  }
  if (args.gateway && args.gateway.hostnames.length === 0) {
    throw new ComponentArgsError(TYPE, "gateway.hostnames", "must name at least one host", 'add e.g. "app.example.com"');
  }
}

export class KubernetesBlueGreenEnvironment extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly weights: pulumi.Output<Weights>;
  readonly versions: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly capacities: Readonly<Record<Slot, pulumi.Output<number>>>;
  readonly slotEndpoints: Readonly<Record<Slot, pulumi.Output<string>>>;
  readonly trafficUrns: pulumi.Output<string[]>;
  /** Where the objects are, by name, for read-back and health from the API server. */
  readonly objects: pulumi.Output<Omit<KubernetesOutputs, "context">>;
  /** The kind of traffic split this environment built. */
  readonly mechanism: MechanismKind;

  constructor(name: string, args: KubernetesBlueGreenEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    assertKubernetesEnvironmentArgs(args);
    // Without a gateway only all-or-nothing weights are possible: say so before building anything.
    const weights = checkedWeights(TYPE, args.weights, args.gateway ? undefined : toServiceSelectorSlot);
    const child = { parent: this, provider: args.provider };
    const port = args.containerPort ?? 8080;
    const hc = { ...HEALTH_DEFAULTS, ...args.healthCheck };
    const probe = (threshold: number) => ({
      httpGet: { path: hc.path, port: hc.port ?? port },
      periodSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      failureThreshold: threshold,
    });
    this.capacities = slotCapacities(TYPE, weights, args.slots, args.scaledDown);
    const services: Partial<Record<Slot, string>> = {};
    const versions: Partial<Record<Slot, pulumi.Output<string>>> = {};
    const deployments: k8s.apps.v1.Deployment[] = [];
    const serviceResources: k8s.core.v1.Service[] = [];
    for (const slot of SLOTS) {
      const labels = { app: args.service, slot };
      const version = args.slots[slot].version;
      // The selector is force-new on a Deployment: it only holds the two constant labels.
      deployments.push(
        new k8s.apps.v1.Deployment(
          `${name}-${slot}`,
          {
            metadata: { name: `${args.service}-${slot}`, namespace: args.namespace, labels, annotations: { ...OWNED_ANNOTATIONS } },
            spec: {
              replicas: this.capacities[slot],
              selector: { matchLabels: labels },
              template: {
                metadata: { labels: { ...labels, version } },
                spec: {
                  containers: [
                    {
                      name: args.service,
                      image: `${args.image}:${version}`,
                      ports: [{ name: "http", containerPort: port }],
                      env: [{ name: "SLOT", value: slot }, { name: "VERSION", value: version }],
                      readinessProbe: probe(hc.unhealthyThreshold),
                      livenessProbe: probe(hc.unhealthyThreshold * 2),
                    },
                  ],
                },
              },
            },
          },
          child,
        ),
      );
      serviceResources.push(
        new k8s.core.v1.Service(
          `${name}-${slot}-service`,
          {
            metadata: { name: `${args.service}-${slot}`, namespace: args.namespace, labels, annotations: { ...OWNED_ANNOTATIONS } },
            spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: port }] },
          },
          child,
        ),
      );
      services[slot] = `${args.service}-${slot}`;
      versions[slot] = pulumi.output(version);
    }
    const slotServices = services as Record<Slot, string>;
    const names = {
      namespace: args.namespace,
      deployments: pulumi.all([deployments[0]!.metadata.name, deployments[1]!.metadata.name]).apply(([blue, green]) => ({ blue, green })),
      services: pulumi.all([serviceResources[0]!.metadata.name, serviceResources[1]!.metadata.name]).apply(([blue, green]) => ({ blue, green })),
    };
    if (args.gateway) {
      const split = new HttpRouteSplit(
        `${name}-traffic`,
        { provider: args.provider, namespace: args.namespace, gateway: args.gateway, services: slotServices, hostnames: args.gateway.hostnames, weights },
        { parent: this, dependsOn: deployments },
      );
      this.weights = split.weights;
      this.endpoint = split.endpoint;
      this.trafficUrns = pulumi.all([split.route.urn]);
      this.objects = pulumi.output({ ...names, route: split.route.metadata.name });
      this.mechanism = "k8s-http-route";
    } else {
      const split = new ServiceSwitch(
        `${name}-traffic`,
        { provider: args.provider, namespace: args.namespace, serviceName: args.service, selector: { app: args.service }, targetPort: port, weights },
        // The flip waits for the Deployments: a Service's await fails if its endpoints never get ready.
        { parent: this, dependsOn: deployments },
      );
      this.weights = split.weights;
      this.endpoint = split.endpoint;
      this.trafficUrns = pulumi.all([split.service.urn]);
      this.objects = pulumi.output({ ...names, switchService: split.service.metadata.name });
      this.mechanism = "k8s-service-switch";
    }
    this.versions = versions as Record<Slot, pulumi.Output<string>>;
    this.slotEndpoints = {
      blue: pulumi.output(`http://${slotServices.blue}.${args.namespace}.svc.cluster.local`),
      green: pulumi.output(`http://${slotServices.green}.${args.namespace}.svc.cluster.local`),
    };
    this.registerOutputs({ endpoint: this.endpoint, weights: this.weights, versions: this.versions, capacities: this.capacities, trafficUrns: this.trafficUrns });
  }
}
