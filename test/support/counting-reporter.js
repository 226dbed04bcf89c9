/**
 * Mocha's spec reporter, plus mocha's own counts written as JSON to $SWITCHYARD_TEST_STATS when
 * the run ends: the test runner reads those instead of parsing text (colour codes, a suite that
 * crashed before printing anything). Plain JavaScript: mocha loads reporters with require().
 */
"use strict";
const { writeFileSync } = require("node:fs");
const Mocha = require("mocha");
const Spec = Mocha.reporters.Spec;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = process.env.SWITCHYARD_TEST_STATS;
    runner.once(EVENT_RUN_END, () => {
      if (!file) return;
      const { passes, failures, pending, tests } = this.stats;
      writeFileSync(file, JSON.stringify({ passes, failures, pending, tests }));
    });
  }
}

module.exports = CountingReporter;
