import { readdirSync } from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import SummaryReporter from '../../harness/summaryReporter';

/**
 * Entry point of the untrusted-workspace run: VS Code with Workspace Trust on, the folder left untrusted, and
 * an attacker's .vscode/settings.json already in it (see runUntrustedWorkspaceSuite). Loads the tests here.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: SummaryReporter });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} untrusted-workspace test(s) failed`)) : resolve()));
  });
}
