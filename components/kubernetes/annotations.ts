/**
 * Annotations on every Kubernetes object the components create.
 *
 * `pulumi.com/patchForce`: the objects are the stack's. An out-of-band edit (`kubectl edit`,
 * `kubectl set image`) makes its editor the owner of the fields it changed, and a server-side
 * apply that does not force then fails with a field conflict, so neither `deploy` nor `drift
 * --fix revert` could put the declared state back. Forcing takes those fields back.
 */
export const OWNED_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/patchForce": "true" };
