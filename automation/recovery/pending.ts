/** Operations an interrupted update left pending in state, read from a state export. */

export type PendingKind = "creating" | "updating" | "deleting" | "reading" | "importing";

export interface PendingOperation {
  readonly kind: PendingKind;
  readonly urn: string;
  readonly type: string;
}

interface ExportedDeployment {
  readonly deployment?: { readonly pending_operations?: ReadonlyArray<{ type?: string; resource?: { urn?: string; type?: string } }> };
}

export function pendingOperations(exported: ExportedDeployment): PendingOperation[] {
  return (exported.deployment?.pending_operations ?? []).map((op) => ({
    kind: (op.type ?? "updating") as PendingKind,
    urn: op.resource?.urn ?? "?",
    type: op.resource?.type ?? "?",
  }));
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

/** What recovery does about one pending operation, in words for the report. */
export function explain(op: PendingOperation): string {
  switch (op.kind) {
    case "creating":
      return `create of ${nameOf(op.urn)} (${op.type}) was interrupted: it may exist without being in state; cleared from state — check for it, then delete it or \`pulumi import\` it`;
    case "deleting":
      return `delete of ${nameOf(op.urn)} was interrupted: refreshed, so state shows whether it still exists`;
    default:
      return `${op.kind.replace(/ing$/, "")} of ${nameOf(op.urn)} was interrupted: refreshed from what really runs`;
  }
}
