/**
 * Edits a stack file as a person would (tests and benchmarks only: the driver never writes it).
 * Editing the YAML document keeps comments and layout; the write is atomic (temp + rename).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { stackFilePath } from "../../stacks/load-config";
import { NAMESPACE } from "../../model/config/stack";

/** Sets (or, with `undefined`, removes) keys of the `switchyard:` namespace, e.g. `{ traffic: {...} }`. */
export function writeStackConfig(workDir: string, stackName: string, values: Readonly<Record<string, unknown>>): void {
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

