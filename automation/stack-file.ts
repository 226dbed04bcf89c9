/**
 * Writes `switchyard:` values into a stack's config file. Desired state lives in stack config,
 * so the driver records each traffic step there; editing the YAML document (rather than
 * re-serialising it) keeps the user's comments and layout. Writes are atomic (temp + rename).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { NAMESPACE } from "../model/config/stack";
import { stackFilePath } from "../stacks/load-config";

export type StackConfigValues = Readonly<Record<string, unknown>>;

/** Sets (or, with `undefined`, removes) keys of the `switchyard:` namespace, e.g. `{ traffic: {...} }`. */
export function writeStackConfig(workDir: string, stackName: string, values: StackConfigValues): void {
  const file = stackFilePath(workDir, stackName);
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const [key, value] of Object.entries(values)) {
    const path = ["config", `${NAMESPACE}:${key}`];
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, doc.createNode(value));
  }
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, doc.toString({ flowCollectionPadding: false }));
  renameSync(temp, file);
}

/** The `switchyard:` values as written in the file (unvalidated), keyed without the namespace. */
export function readStackConfigValues(workDir: string, stackName: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(stackFilePath(workDir, stackName), "utf8")).toJS() as { config?: Record<string, unknown> } | null;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (key.startsWith(`${NAMESPACE}:`)) values[key.slice(NAMESPACE.length + 1)] = value;
  }
  return values;
}
