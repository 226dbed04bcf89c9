/** The problems a stack config is refused with, for table tests of validation; fails when it is accepted. */
import assert from "node:assert/strict";
import { ConfigError } from "../../model/errors";
import { parseStackConfig } from "../../stacks/load-config";

export function configProblems(entries: Record<string, unknown>) {
  try {
    parseStackConfig(entries, "test");
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail("config was accepted");
}
