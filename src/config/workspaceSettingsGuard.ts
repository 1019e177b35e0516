import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { SETTINGS_SECTION, type UserOnlyKey } from '../core/settingsSchema';
import { ignoredSettingsNotice, OPEN_USER_SETTINGS_ACTION, userOnlyKeysIn, type IgnoredSetting } from '../core/settingsTrust';
import type { Notifier } from '../platform/notifier';
import type { ConfigurationService } from './settings';

const WORKSPACE_SETTINGS = "This workspace's settings";

/**
 * Tells the user, once per setting and window, when the workspace's own settings set a user-only setting
 * (endpoint, providers, models, context size, redaction, pricing, budget) that was ignored, and where to set
 * it instead. It looks at activation, when a settings file changes and when folders change. It only reads
 * which keys are set; the values are never used (ConfigurationService reads user values only).
 */
export class WorkspaceSettingsGuard implements vscode.Disposable {
  private readonly noticed = new Set<UserOnlyKey>();
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly settings: ConfigurationService,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    /** This extension's id, for the "Open User Settings" action's filter. */
    private readonly extensionId: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration(() => void this.check()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        void this.check();
      }),
    );
    this.watch();
  }

  /** Looks now (and once more if asked again while looking); resolves when the look is done. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          this.report(await this.find());
        } catch (err) {
          this.logger.warn('could not check the workspace settings for user-only settings', err);
        }
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    const patterns = (vscode.workspace.workspaceFolders ?? []).map((f) => new vscode.RelativePattern(f, '.vscode/settings.json'));
    const file = vscode.workspace.workspaceFile;
    if (file && file.scheme !== 'untitled') {
      patterns.push(new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), file.path.split('/').pop() ?? ''));
    }
    this.watchers = patterns.flatMap((pattern) => {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const recheck = () => void this.check();
      return [watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck)];
    });
  }

  private async find(): Promise<IgnoredSetting[]> {
    const found: IgnoredSetting[] = [];
    const folders = vscode.workspace.workspaceFolders ?? [];
    const file = vscode.workspace.workspaceFile;
    for (const folder of folders) {
      const text = await readText(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'));
      if (text === undefined) continue;
      const source = file || folders.length > 1
        ? `The .vscode/settings.json of folder "${folder.name}"`
        : "This workspace's .vscode/settings.json";
      found.push(...userOnlyKeysIn(text).map((key) => ({ key, source })));
    }
    if (file && file.scheme !== 'untitled') {
      const text = await readText(file);
      const source = `The workspace file ${file.path.split('/').pop() ?? ''}`;
      if (text !== undefined) found.push(...userOnlyKeysIn(text, 'settings').map((key) => ({ key, source })));
    }
    for (const key of this.settings.workspaceSetUserOnlyKeys()) {
      if (!found.some((f) => f.key === key)) found.push({ key, source: WORKSPACE_SETTINGS });
    }
    return found;
  }

  private report(found: readonly IgnoredSetting[]): void {
    const fresh = found.filter((f) => !this.noticed.has(f.key));
    if (fresh.length === 0) return;
    for (const f of fresh) {
      this.noticed.add(f.key);
      this.logger.warn(`ignored ${SETTINGS_SECTION}.${f.key} from the workspace (${f.source}): only the user's own settings may set it`);
    }
    void this.notifier.warn(ignoredSettingsNotice(fresh), OPEN_USER_SETTINGS_ACTION).then((choice) => {
      if (choice === OPEN_USER_SETTINGS_ACTION) {
        void vscode.commands.executeCommand('workbench.action.openGlobalSettings', { query: `@ext:${this.extensionId}` });
      }
    });
  }

  dispose(): void {
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // no such file
  }
}
