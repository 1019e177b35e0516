import { cpSync, mkdirSync, rmSync } from 'fs';
import * as path from 'path';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { ARTIFACTS_DIR, REPO_ROOT } from './paths';
import { ensureVsCodeServer, startVsCodeServer, type RunningVsCodeServer } from './vscodeServer';

/** A fresh VS Code server, workspace and fake DeepSeek server for one suite. */
export interface TestEnvironment {
  readonly fake: FakeDeepSeekServer;
  readonly fakeUrl: string;
  readonly vscode: RunningVsCodeServer;
  readonly workspace: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export const TEST_USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export async function startTestEnvironment(name: string, extraEnv: Record<string, string> = {}): Promise<TestEnvironment> {
  const install = ensureVsCodeServer();
  const dir = path.join(ARTIFACTS_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const workspace = path.join(dir, 'workspace');
  cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const fake = new FakeDeepSeekServer();
  const fakeUrl = await fake.start();
  const vscode = await startVsCodeServer(install, {
    dataDir: path.join(dir, 'vscode'),
    userSettings: { ...TEST_USER_SETTINGS, 'deepseek.baseUrl': fakeUrl },
    env: { FAKE_DEEPSEEK_URL: fakeUrl, ...extraEnv },
    unsetEnv: ['DEEPSEEK_API_KEY'],
  });
  return {
    fake,
    fakeUrl,
    vscode,
    workspace,
    dir,
    stop: async () => {
      await vscode.stop();
      await fake.stop();
    },
  };
}
