import { appendFileSync } from 'fs';
import * as Mocha from 'mocha';

/**
 * Mocha's spec reporter, plus one JSON line of counts appended to $TEST_SUMMARY_FILE (when set) so that
 * `.ci/run` can print one total across the unit, extension-host and UI suites.
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const suiteName = process.env.TEST_SUITE_NAME ?? 'mocha';
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.TEST_SUMMARY_FILE;
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      if (file) {
        appendFileSync(
          file,
          `${JSON.stringify({ suite: suiteName, passed: stats.passes, failed: stats.failures, skipped: stats.pending })}\n`,
        );
      }
    });
  }
}

export = SummaryReporter;
