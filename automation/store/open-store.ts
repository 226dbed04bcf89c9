import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { UnsupportedBackendError, type DocumentStore } from "./document-store";
import { FileDocumentStore } from "./file-store";

/** The document store inside a stack's state backend: `<backend>/.switchyard/<project>/<stack>/`. */
export function openDocumentStore(backendUrl: string, project: string, stack: string): DocumentStore {
  const url = new URL(backendUrl);
  if (url.protocol === "file:") {
    return new FileDocumentStore(path.join(fileURLToPath(url), ".switchyard", project, stack));
  }
  throw new UnsupportedBackendError(backendUrl);
}
