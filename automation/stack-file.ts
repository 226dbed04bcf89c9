/**
 * Reads a stack file's `switchyard:` values as people wrote them. The driver never writes the
 * stack file: it holds intent; the driver's status lives in the backend (effective-config.ts).
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
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
