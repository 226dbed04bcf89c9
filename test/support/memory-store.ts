/** A DocumentStore in memory with the real compare-and-swap contract, for tests without a backend. */
import { RevisionConflictError, type DocumentStore, type StoredDocument } from "../../automation/store/document-store";

export class MemoryStore implements DocumentStore {
  readonly location = "memory";
  docs = new Map<string, StoredDocument<unknown>>();
  async get<T>(key: string) {
    return this.docs.get(key) as StoredDocument<T> | undefined;
  }
  async put<T>(key: string, value: T, expected: number) {
    const current = this.docs.get(key)?.revision ?? 0;
    if (current !== expected) throw new RevisionConflictError(key, expected, current);
    const doc = { value: structuredClone(value), revision: current + 1 };
    this.docs.set(key, doc);
    return doc as StoredDocument<T>;
  }
  async delete(key: string) {
    this.docs.delete(key);
  }
}
