import { cpSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { ARTIFACTS_DIR, REPO_ROOT } from './paths';
import { ensureVsCodeServer, startVsCodeServer, type RunningVsCodeServer } from './vscodeServer';

/** A fresh VS Code server, workspace and fake DeepSeek server for one suite. */
export interface TestEnvironment {
  readonly fake: FakeDeepSeekServer;
  readonly fakeUrl: string;
  /** A second fake on another port that plays a server an attacker's workspace settings point at (when asked for). */
  readonly attacker?: FakeDeepSeekServer;
  /** A third fake that plays a fallback provider (when asked for); its URL reaches the host as BACKUP_DEEPSEEK_URL. */
  readonly backup?: FakeDeepSeekServer;
  readonly vscode: RunningVsCodeServer;
  readonly workspace: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** The key the fake fallback provider requires (a test value, not a secret). */
export const BACKUP_KEY = 'sk-backup-test-key-0000000000000000';

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
  // The test workspace lies inside this project's own clone: the Git extension opens only the scratch
  // repositories the commit-message tests make, never the clone around it (nor asks about it).
  'git.openRepositoryInParentFolders': 'never',
};

export interface TestEnvironmentOptions {
  /** Start the attacker's fake too; its URL reaches the extension host as ATTACKER_DEEPSEEK_URL. */
  readonly attacker?: boolean;
  /**
   * Start a fake fallback provider too: its URL reaches the extension host as BACKUP_DEEPSEEK_URL and the key it
   * requires as BACKUP_DEEPSEEK_KEY (an environment variable, as a user's `apiKeyEnv` would name it).
   */
  readonly backup?: boolean;
  /**
   * Run the fake as the bundled offline simulator (`npm run demo`'s): every response says so in a header, and the
   * extension then calls the endpoint "Offline simulator". Default: a local endpoint that is not the simulator.
   */
  readonly simulator?: boolean;
  /** Overlaid on TEST_USER_SETTINGS (e.g. to turn Workspace Trust on). */
  readonly userSettings?: Record<string, unknown>;
  /** Replaces TEST_USER_SETTINGS as the base (the demo's test checks that the demo's own settings suffice). */
  readonly baseUserSettings?: Record<string, unknown>;
  /** Opens this folder as it is instead of a fresh copy of test/fixtures/workspace. */
  readonly workspace?: string;
  /** Written to the workspace's .vscode/settings.json before VS Code opens it (it is there when the folder opens). */
  readonly workspaceSettings?: (urls: { fakeUrl: string; attackerUrl?: string }) => Record<string, unknown>;
}

export async function startTestEnvironment(
  name: string,
  extraEnv: Record<string, string> = {},
  options: TestEnvironmentOptions = {},
): Promise<TestEnvironment> {
  const install = ensureVsCodeServer();
  const dir = path.join(ARTIFACTS_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const workspace = options.workspace ?? path.join(dir, 'workspace');
  if (!options.workspace) {
    cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  }

  const fake = new FakeDeepSeekServer(options.simulator ? { simulator: true } : {});
  const fakeUrl = await fake.start();
  const attacker = options.attacker ? new FakeDeepSeekServer() : undefined;
  const attackerUrl = attacker ? await attacker.start() : undefined;
  const backup = options.backup ? new FakeDeepSeekServer({ apiKey: BACKUP_KEY }) : undefined;
  const backupUrl = backup ? await backup.start() : undefined;
  if (options.workspaceSettings) {
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    const settings = options.workspaceSettings({ fakeUrl, ...(attackerUrl ? { attackerUrl } : {}) });
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  const vscode = await startVsCodeServer(install, {
    dataDir: path.join(dir, 'vscode'),
    userSettings: { ...(options.baseUserSettings ?? TEST_USER_SETTINGS), 'deepseek.baseUrl': fakeUrl, ...options.userSettings },
    env: {
      FAKE_DEEPSEEK_URL: fakeUrl,
      ...(attackerUrl ? { ATTACKER_DEEPSEEK_URL: attackerUrl } : {}),
      ...(backupUrl ? { BACKUP_DEEPSEEK_URL: backupUrl, BACKUP_DEEPSEEK_KEY: BACKUP_KEY } : {}),
      ...extraEnv,
    },
    unsetEnv: ['DEEPSEEK_API_KEY'],
  });
  return {
    fake,
    fakeUrl,
    ...(attacker ? { attacker } : {}),
    ...(backup ? { backup } : {}),
    vscode,
    workspace,
    dir,
    stop: async () => {
      await vscode.stop();
      await fake.stop();
      await attacker?.stop();
      await backup?.stop();
    },
  };
}
