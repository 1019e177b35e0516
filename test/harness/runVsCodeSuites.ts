import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from './paths';
import { runExtensionHostSuite, runUntrustedWorkspaceSuite } from './runExtensionHostSuite';
import { ensureVsCodeServer } from './vscodeServer';

/**
 * `npm run test:vscode`: the extension-host suite (mocha inside VS Code) and its untrusted-workspace run, then
 * the UI suite (Playwright in Chromium against VS Code). `extension-host`, `untrusted` or `ui` runs only those. Both run even if the first fails; the exit code is non-zero if either failed.
 */
async function main(): Promise<number> {
  ensureVsCodeServer();
  const only = process.argv[2];
  let failed = false;
  if (!only || only === 'extension-host') {
    console.log('\n=== extension-host suite (mocha inside VS Code) ===');
    const code = await runExtensionHostSuite();
    console.log(`extension-host suite exit code: ${code}`);
    failed ||= code !== 0;
  }
  if (!only || only === 'extension-host' || only === 'untrusted') {
    console.log('\n=== extension-host suite in an untrusted workspace an attacker wrote ===');
    const code = await runUntrustedWorkspaceSuite();
    console.log(`untrusted-workspace suite exit code: ${code}`);
    failed ||= code !== 0;
  }
  if (!only || only === 'ui') {
    console.log('\n=== UI suite (Playwright + Chromium against VS Code) ===');
    const ui = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', path.join(REPO_ROOT, '.mocharc.ui.json'),
      // TEST_GREP filters UI tests as it does extension-host tests (a file whose tests all miss opens no workbench).
      ...(process.env.TEST_GREP ? ['--grep', process.env.TEST_GREP] : [])], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, TEST_SUITE_NAME: 'ui' },
    });
    console.log(`UI suite exit code: ${ui.status}`);
    failed ||= ui.status !== 0;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
