import { mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument, RevisionConflictError, type DocumentStore, type StoredDocument } from "./document-store";

const LOCK_STALE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Documents as files under a folder of a file:// backend; a lock file serialises writers. */
export class FileDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  get location() {
    return this.root;
  }

  private file(key: string) {
    return path.join(this.root, `${key}.json`);
  }

  async get<T>(key: string): Promise<StoredDocument<T> | undefined> {
    try {
      return parseDocument<T>(this.file(key), key, readFileSync(this.file(key), "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  private async withLock<R>(key: string, action: () => R): Promise<R> {
    const lock = `${this.file(key)}.lock`;
    mkdirSync(path.dirname(lock), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        closeSync(openSync(lock, "wx"));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        // A writer that died holding the lock must not block everyone forever.
        try {
          if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
        } catch {
          // gone already
        }
        await sleep(Math.min(5 * 2 ** attempt, 100));
      }
    }
    try {
      return action();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  async put<T>(key: string, value: T, expectedRevision: number): Promise<StoredDocument<T>> {
    return this.withLock(key, () => {
      let current = 0;
      try {
        current = (JSON.parse(readFileSync(this.file(key), "utf8")) as StoredDocument<T>).revision;
      } catch {
        current = 0;
      }
      if (current !== expectedRevision) throw new RevisionConflictError(key, expectedRevision, current);
      const doc: StoredDocument<T> = { value, revision: current + 1 };
      const temp = `${this.file(key)}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(doc, null, 2));
      renameSync(temp, this.file(key));
      return doc;
    });
  }

  async delete(key: string): Promise<void> {
    await this.withLock(key, () => rmSync(this.file(key), { force: true }));
  }
}
