/** A record edited or cut short by hand is named with where it lies and what to do, not a bare SyntaxError. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CorruptDocumentError } from "../../../automation/store/document-store";
import { openDocumentStore } from "../../../automation/store/open-store";

describe("a corrupt record in a file:// backend", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "sy-store-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is a CorruptDocumentError naming the record, its file and the fix", async () => {
    const store = openDocumentStore(`file://${dir}`, "switchyard", "local");
    await store.put("inventory", { deployedAt: "x", resources: [] }, 0);
    const file = (readdirSync(dir, { recursive: true }) as string[]).find((f) => f.endsWith("inventory.json"));
    writeFileSync(path.join(dir, file!), '{"broken');
    await assert.rejects(store.get("inventory"), (error: unknown) => {
      assert.ok(error instanceof CorruptDocumentError);
      assert.match(error.message, /record "inventory" at .*inventory\.json is not a JSON document/);
      assert.match(error.fix ?? "", /restore it from a backup .* or delete it/);
      return true;
    });
  });
});
