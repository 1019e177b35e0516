import { readdirSync } from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import SummaryReporter from './summaryReporter';

/**
 * Runs every `*.test.js` in `dir`, in name order, with mocha inside the extension host: what an
 * extensionTestsPath module's `run()` does. The per-test timeout is a ceiling for a wedged test on a busy
 * machine, not a budget: tests wait on the product's own signals.
 */
export function runMochaIn(dir: string, suite: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: SummaryReporter });
  if (process.env.TEST_GREP) mocha.grep(process.env.TEST_GREP); // a developer's shortcut: one area of a suite
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} ${suite} test(s) failed`)) : resolve()));
  });
}
