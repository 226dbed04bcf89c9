import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { UnsupportedBackendError, type DocumentStore } from "./document-store";
import { FileDocumentStore } from "./file-store";

// The S3 and PostgreSQL clients load only for their backends: each costs start-up time.
const s3Store = () => (require("./s3-store") as typeof import("./s3-store")).S3DocumentStore;
const postgresStore = () => (require("./postgres-store") as typeof import("./postgres-store")).PostgresDocumentStore;

/** Backends the engine supports that cannot hold Switchyard's records yet, and why. */
const NOT_YET: Readonly<Record<string, string>> = {
  "gs:": "Google Cloud Storage (gs://) state backends are not supported for Switchyard records yet",
  "azblob:": "Azure Blob Storage (azblob://) state backends are not supported for Switchyard records yet",
  "http:": "the Pulumi Cloud backend is not supported for Switchyard records yet",
  "https:": "the Pulumi Cloud backend is not supported for Switchyard records yet",
};

class RecordsNotSupportedError extends UnsupportedBackendError {
  constructor(url: string, reason: string) {
    super(url);
    this.message = `${reason} (backend ${url.replace(/\/\/[^@/]*@/, "//***@").replace(/\?.*$/, "")})`;
  }
}

/**
 * The document store inside a stack's state backend, under `.switchyard/<project>/<stack>/`:
 * a folder of a file:// backend, objects in the S3 bucket, or rows of our own table in the
 * PostgreSQL database of the postgres DIY backend.
 */
export function openDocumentStore(backendUrl: string, project: string, stack: string, env: NodeJS.ProcessEnv = process.env): DocumentStore {
  let url: URL;
  try {
    url = new URL(backendUrl);
  } catch {
    throw new UnsupportedBackendError(backendUrl);
  }
  switch (url.protocol) {
    case "file:":
      return new FileDocumentStore(path.join(fileURLToPath(url), ".switchyard", project, stack));
    case "s3:":
      return s3Store().fromUrl(backendUrl, project, stack, env);
    // The engine itself only accepts postgres://; postgresql:// is the same database to libpq.
    case "postgres:":
    case "postgresql:":
      return new (postgresStore())(backendUrl, project, stack, env);
    default: {
      const reason = NOT_YET[url.protocol];
      throw reason ? new RecordsNotSupportedError(backendUrl, reason) : new UnsupportedBackendError(backendUrl);
    }
  }
}
