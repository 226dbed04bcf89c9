/** The test runner deals engine files to shards by weight: every file once, loads balanced. */
import assert from "node:assert/strict";
import { shard } from "../../run";

describe("test runner shards", () => {
  const weights: Record<string, number> = { a: 9, b: 5, c: 4, d: 3, e: 1 };
  const weight = (file: string) => weights[file]!;

  it("puts every file in exactly one shard, largest first onto the lightest", () => {
    const shards = shard(Object.keys(weights), 2, weight);
    assert.deepEqual(shards, [["a", "d"], ["b", "c", "e"]]); // loads 12 and 10
    assert.deepEqual(shards.flat().sort(), ["a", "b", "c", "d", "e"]);
  });

  it("never makes more shards than files, nor fewer than one", () => {
    assert.deepEqual(shard(["a"], 4, weight), [["a"]]);
    assert.deepEqual(shard(["a", "b"], 0, weight), [["a", "b"]]);
  });
});
