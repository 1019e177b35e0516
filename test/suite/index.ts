import { runMochaIn } from '../harness/mochaInHost';

/**
 * Entry point of the extension-host suite: VS Code loads this module (extensionTestsPath) and awaits run().
 * Files run in name order; `activation.test.js` comes first and sees the extension's first start.
 */
export function run(): Promise<void> {
  return runMochaIn(__dirname, 'extension-host');
}
