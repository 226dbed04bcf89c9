/**
 * Properties a cloud's API writes itself, which change without anyone changing the resource:
 * never drift. A refresh reads a Kubernetes object whole, and the API server bumps its
 * `metadata.generation` and `resourceVersion`, rewrites `managedFields`, counts a Deployment's
 * revisions in an annotation and keeps `status` up to date on its own; listing those beside a
 * real edit (a weight, an image) would bury it, and alone they would be false alarms. What the
 * objects' status says about health is `switchyard status`'s concern.
 */
import { pathSegments } from "./ignore";

const KUBERNETES_METADATA = new Set(["generation", "resourceVersion", "managedFields", "uid", "creationTimestamp", "selfLink"]);
const KUBERNETES_ANNOTATIONS = new Set(["deployment.kubernetes.io/revision"]);

/** True when `path` of a resource of `type` is written by the cloud's API itself. */
export function isServerManaged(type: string, path: string): boolean {
  if (!type.startsWith("kubernetes:")) return false;
  const [first, second, third] = pathSegments(path);
  if (first === "status") return true;
  if (first !== "metadata" || second === undefined) return false;
  if (KUBERNETES_METADATA.has(second)) return true;
  return second === "annotations" && third !== undefined && KUBERNETES_ANNOTATIONS.has(third);
}
