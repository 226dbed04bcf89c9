/**
 * Small JSON documents kept in the stack's own state backend (rollout records, releases), so that
 * every machine with access to the backend sees the same thing. Writes are compare-and-swap on a
 * revision number: two drivers can never both believe they wrote last.
 */
import { SwitchyardError } from "../../model/errors";

export interface StoredDocument<T> {
  readonly value: T;
  /** Increases by one with every write; 0 means "not stored yet". */
  readonly revision: number;
}

export interface DocumentStore {
  /** Human-readable location, for messages. */
  readonly location: string;
  get<T>(key: string): Promise<StoredDocument<T> | undefined>;
  /** Writes when the stored revision still equals `expectedRevision`; otherwise throws RevisionConflictError. */
  put<T>(key: string, value: T, expectedRevision: number): Promise<StoredDocument<T>>;
  delete(key: string): Promise<void>;
}

export class RevisionConflictError extends SwitchyardError {
  constructor(key: string, expected: number, found: number) {
    super(`${key} changed while we were writing it (expected revision ${expected}, found ${found})`, "run the command again");
  }
}

export class UnsupportedBackendError extends SwitchyardError {
  constructor(url: string) {
    super(
      `Switchyard cannot keep its records in the backend ${url.replace(/\/\/[^@/]*@/, "//***@")} yet`,
      "use a file://, s3:// or postgres:// backend (PULUMI_BACKEND_URL)",
    );
  }
}

/** A stored record that is no longer a JSON document (edited or truncated by hand, a full disk). */
export class CorruptDocumentError extends SwitchyardError {
  constructor(location: string, key: string, reason: string) {
    super(
      `Switchyard's record "${key}" at ${location} is not a JSON document (${reason})`,
      `restore it from a backup of the backend, or delete it: a rollout, regional move or ledger record is then lost, the inventory is written again by the next deploy`,
    );
  }
}

/** Parses one stored record; a record that does not parse is named, never a bare SyntaxError. */
export function parseDocument<T>(location: string, key: string, text: string): StoredDocument<T> {
  try {
    return JSON.parse(text) as StoredDocument<T>;
  } catch (error) {
    throw new CorruptDocumentError(location, key, (error as Error).message);
  }
}

/**
 * Writes a document that is a complete answer of its time (an inventory, a report): last writer
 * wins. Only a concurrent writer is worth another try; any other store error is the caller's.
 */
export async function overwriteDocument<T>(store: DocumentStore, key: string, value: T, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get<T>(key);
    try {
      await store.put(key, value, current?.revision ?? 0);
      return;
    } catch (error) {
      if (!(error instanceof RevisionConflictError) || attempt >= attempts) throw error;
    }
  }
}

/**
 * Appends an entry to a document that is a list (`{ entries: [...] }`), keeping the newest
 * `keep`, retrying when another writer came first; an entry `already` finds there is not added again.
 */
export async function appendToList<T>(store: DocumentStore, key: string, entry: T, options: { readonly keep: number; readonly already?: (existing: T) => boolean }, attempts = 6): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stored = await store.get<{ entries: T[] }>(key);
    const entries = stored?.value.entries ?? [];
    if (options.already && entries.some(options.already)) return;
    try {
      await store.put(key, { entries: [...entries, entry].slice(-options.keep) }, stored?.revision ?? 0);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** The entries of a list document, oldest first; none when it does not exist. */
export async function readList<T>(store: DocumentStore, key: string): Promise<T[]> {
  return (await store.get<{ entries: T[] }>(key))?.value.entries ?? [];
}
