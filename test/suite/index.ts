import { readdirSync } from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import SummaryReporter from '../harness/summaryReporter';

/**
 * Entry point of the extension-host suite: VS Code loads this module (extensionTestsPath) and awaits run().
 * Files run in name order; `activation.test.js` comes first and sees the extension's first start.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: SummaryReporter });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
