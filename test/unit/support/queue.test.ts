/** The test runner's queue: every file runs once, largest first, never more at a time than asked. */
import assert from "node:assert/strict";
import { runQueued } from "../../run";

describe("test runner queue", () => {
  const weights: Record<string, number> = { a: 9, b: 5, c: 4, d: 3, e: 1 };

  it("runs every file once, largest first, at most two at a time", async () => {
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const results = await runQueued(Object.keys(weights), 2, (f) => weights[f]!, async (file) => {
      started.push(file);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, weights[file]));
      running--;
      return file;
    });
    assert.deepEqual([...results].sort(), ["a", "b", "c", "d", "e"]);
    assert.deepEqual(started.slice(0, 2), ["a", "b"]);
    assert.equal(most, 2);
  });

  it("with one worker, runs them one after another", async () => {
    let running = 0;
    let most = 0;
    await runQueued(["a", "b", "c"], 1, () => 1, async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
    });
    assert.equal(most, 1);
  });
});
