import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { ARTIFACTS_DIR, REPO_ROOT } from './paths';
import { TEST_USER_SETTINGS } from './testEnvironment';

/**
 * `npm run test:desktop`: the same extension-host suite in desktop VS Code through @vscode/test-electron, for
 * machines that can download it (these build machines cannot; use `npm run test:vscode` here).
 */
async function main(): Promise<void> {
  const fake = new FakeDeepSeekServer();
  const fakeUrl = await fake.start();
  const dir = path.join(ARTIFACTS_DIR, 'desktop');
  const userData = path.join(dir, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...TEST_USER_SETTINGS, 'deepseek.baseUrl': fakeUrl }, null, 2));
  const env: Record<string, string | undefined> = { FAKE_DEEPSEEK_URL: fakeUrl, TEST_SUITE_NAME: 'desktop', TEST_SUMMARY_FILE: process.env.TEST_SUMMARY_FILE, DEEPSEEK_API_KEY: undefined };
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'suite', 'index.js'),
      launchArgs: [path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--user-data-dir', userData],
      extensionTestsEnv: env,
    });
  } finally {
    await fake.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
