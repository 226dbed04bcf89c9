/**
 * Edits a stack file as a person would (tests and benchmarks). Editing the YAML document keeps
 * comments and layout; the write is atomic (automation/stack-file.ts).
 */
import { editStackFile } from "../../automation/stack-file";
import { NAMESPACE } from "../../model/config/stack";

/** Sets (or, with `undefined`, removes) keys of the `switchyard:` namespace, e.g. `{ traffic: {...} }`. */
export function writeStackConfig(workDir: string, stackName: string, values: Readonly<Record<string, unknown>>): void {
  editStackFile(workDir, stackName, (doc) => {
    for (const [key, value] of Object.entries(values)) {
      const path = ["config", `${NAMESPACE}:${key}`];
      if (value === undefined) doc.deleteIn(path);
      else doc.setIn(path, doc.createNode(value));
    }
  });
}
