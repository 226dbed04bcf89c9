/**
 * Health of the Kubernetes target as the API server reports it: each slot's Deployment (there at
 * all, its replicas against what state declares, how many are ready, the image it runs) and
 * Service, and whether the Gateway accepted the HTTPRoute. What traffic the route really carries
 * is the live weights' part (the mechanism's read-back). Observing is effectful; the findings are
 * a pure function of the observation.
 */
import { getObject, kubeApi, type KubeApi } from "../../components/kubernetes/api";
import { deploymentPath, routePath, servicePath } from "../../components/kubernetes/read-back";
import type { KubernetesOutputs } from "../../model/outputs";
import { SLOTS, type Slot, type Weights } from "../../model/weights";
import type { DeploymentObservation, Finding, KubernetesObservation } from "./model";

/** Reads the stack's objects from the API server; never throws (a failure is the observation's `error`). */
export async function observeKubernetes(names: KubernetesOutputs, connect: (context: string) => Promise<KubeApi> = kubeApi): Promise<KubernetesObservation> {
  try {
    const api = await connect(names.context);
    const [deployments, services, route] = await Promise.all([
      Promise.all(SLOTS.map((slot) => getObject(api, deploymentPath(names.namespace, names.deployments[slot])))),
      Promise.all(SLOTS.map((slot) => getObject(api, servicePath(names.namespace, names.services[slot])))),
      names.route ? getObject(api, routePath(names.namespace, names.route)) : Promise.resolve(undefined),
    ]);
    const deployment = (body: any): DeploymentObservation | null =>
      body ? { replicas: body.spec?.replicas ?? 1, ready: body.status?.readyReplicas ?? 0, image: body.spec?.template?.spec?.containers?.[0]?.image } : null;
    const accepted = route?.status?.parents?.[0]?.conditions?.find((c: { type: string }) => c.type === "Accepted");
    return {
      names,
      deployments: { blue: deployment(deployments[0]), green: deployment(deployments[1]) },
      services: { blue: Boolean(services[0]), green: Boolean(services[1]) },
      ...(route ? { routeAccepted: accepted ? { status: accepted.status, reason: accepted.reason, message: accepted.message } : null } : {}),
    };
  } catch (error) {
    return { names, error: (error as Error).message, deployments: {}, services: {} };
  }
}

/** The tag of an image reference (`repo:tag`, `host:port/repo:tag`); undefined without one. */
export function imageTag(image: string): string | undefined {
  const last = image.split("@")[0]!.split("/").pop() ?? "";
  const colon = last.lastIndexOf(":");
  return colon >= 0 ? last.slice(colon + 1) : undefined;
}

export interface KubernetesDeclared {
  readonly weights?: Weights;
  readonly versions: Partial<Record<Slot, string>>;
  /** Replicas per slot as state records them (0: scaled down by the driver). */
  readonly capacities?: Partial<Record<Slot, number>>;
}

export function kubernetesFindings(obs: KubernetesObservation, declared: KubernetesDeclared): Finding[] {
  const { namespace } = obs.names;
  if (obs.error) {
    return [{ level: "degraded", subject: "kubernetes", message: `the Kubernetes API server cannot be read, so the Deployments and Services are not checked: ${obs.error}`, fix: `check KUBECONFIG and the context "${obs.names.context}"` }];
  }
  const findings: Finding[] = [];
  for (const slot of SLOTS) {
    const share = declared.weights?.[slot] ?? 0;
    const role = share > 0 ? `it should serve ${share}% of traffic` : "a rollback or the next release needs it";
    const name = `${namespace}/${obs.names.deployments[slot]}`;
    const deployment = obs.deployments[slot];
    const wanted = declared.capacities?.[slot];
    if (deployment === null) {
      findings.push({ level: "degraded", subject: slot, message: `the Deployment ${name} is gone from the cluster: ${role}`, fix: "`switchyard drift --fix revert` (or deploy) recreates it" });
    } else if (deployment) {
      if (wanted !== undefined && deployment.replicas !== wanted) {
        findings.push({ level: "degraded", subject: slot, message: `the Deployment ${name} asks for ${deployment.replicas} replicas, state records ${wanted}`, fix: "run `switchyard drift` to see what changed" });
      }
      if (share > 0 && deployment.ready === 0) {
        findings.push({ level: "degraded", subject: slot, message: `the Deployment ${name} has no ready replica, yet ${role}` });
      } else if (deployment.ready < deployment.replicas) {
        findings.push({ level: "degraded", subject: slot, message: `the Deployment ${name} has ${deployment.ready} of ${deployment.replicas} replicas ready` });
      }
      const tag = deployment.image ? imageTag(deployment.image) : undefined;
      const version = declared.versions[slot];
      if (version !== undefined && tag !== version) {
        findings.push({ level: "degraded", subject: slot, message: `the Deployment ${name} runs ${deployment.image ?? "no image"}, state records version ${version}`, fix: "run `switchyard drift` to see what changed" });
      }
    }
    if (obs.services[slot] === false) {
      findings.push({ level: "degraded", subject: slot, message: `the Service ${namespace}/${obs.names.services[slot]} is gone from the cluster: ${role}`, fix: "`switchyard drift --fix revert` (or deploy) recreates it" });
    }
  }
  const accepted = obs.routeAccepted;
  if (obs.names.route && accepted !== undefined && accepted?.status !== "True") {
    const why = accepted ? `${accepted.reason ?? accepted.status}${accepted.message ? `: ${accepted.message}` : ""}` : "no Gateway controller has reported on it";
    findings.push({ level: "degraded", subject: "route", message: `the Gateway has not accepted the HTTPRoute ${namespace}/${obs.names.route} (${why})`, fix: "check the Gateway the stack's switchyard:kubernetes.gateway names" });
  }
  return findings;
}
