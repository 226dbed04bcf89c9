/**
 * Reads a stack file's `switchyard:` values as people wrote them. The driver never writes the
 * stack file: it holds intent; the driver's status lives in the backend (effective-config.ts).
 * The one exception is a pipeline's promotion (pipeline/intent.ts), which changes a stage's
 * release as a person's promotion commit would.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseDocument, type Document } from "yaml";
import { NAMESPACE, stackFilePath } from "../model/config-keys";

/** The `switchyard:` values as written in the file (unvalidated), keyed without the namespace. */
export function readStackConfigValues(workDir: string, stackName: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(stackFilePath(workDir, stackName), "utf8")).toJS() as { config?: Record<string, unknown> } | null;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (key.startsWith(`${NAMESPACE}:`)) values[key.slice(NAMESPACE.length + 1)] = value;
  }
  return values;
}

/** Edits the stack file's YAML document (comments and layout kept) and writes it atomically: a temp file renamed over it. */
export function editStackFile(workDir: string, stackName: string, edit: (doc: Document) => void): void {
  const file = stackFilePath(workDir, stackName);
  const doc = parseDocument(readFileSync(file, "utf8"));
  edit(doc);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, doc.toString({ flowCollectionPadding: false }));
  renameSync(temp, file);
}
