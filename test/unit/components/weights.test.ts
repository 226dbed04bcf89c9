import assert from "node:assert/strict";
import { ComponentArgsError } from "../../../components/errors";
import { assertValidWeights } from "../../../components/traffic/checked-weights";
import { allOn, otherSlot } from "../../../model/weights";

describe("traffic weights", () => {
  it("accepts integer weights that add up to 100", () => {
    for (const w of [{ blue: 100, green: 0 }, { blue: 95, green: 5 }, { blue: 0, green: 100 }]) assertValidWeights("X", "weights", w);
  });

  it("names the component, the field and the fix", () => {
    assert.throws(
      () => assertValidWeights("switchyard:traffic:Split", "weights", { blue: 90, green: 20 }),
      (error: ComponentArgsError) => error.field === "weights" && /set green to 10/.test(error.message) && /switchyard:traffic:Split/.test(error.message),
    );
    assert.throws(() => assertValidWeights("X", "weights", { blue: 101, green: -1 }), /weights\.blue: must be an integer from 0 to 100/);
    assert.throws(() => assertValidWeights("X", "weights", { blue: 50.5, green: 49.5 }), /weights\.blue/);
  });

  it("knows the other slot and all-on weights", () => {
    assert.equal(otherSlot("blue"), "green");
    assert.deepEqual(allOn("green"), { blue: 0, green: 100 });
  });
});
