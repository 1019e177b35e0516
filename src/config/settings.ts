import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import {
  readSetting,
  SETTING_KEYS,
  SETTINGS_SECTION,
  type SettingKey,
  type Settings,
  type SettingsSource,
} from '../core/settingsSchema';

/**
 * The one place that reads VS Code configuration. Values are validated by the pure schema; an invalid value
 * falls back to its default and is reported once in the log. `onDidChange` fires with the keys that changed.
 */
export class ConfigurationService implements SettingsSource, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<readonly SettingKey[]>();
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;

  readonly onDidChange = this.emitter.event;

  constructor(private readonly logger: Logger) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      const changed = SETTING_KEYS.filter((key) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`));
      if (changed.length > 0) {
        this.emitter.fire(changed);
      }
    });
  }

  getRaw(key: SettingKey): unknown {
    const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
    // Only values the user set are validated; the declared default is the schema's own.
    return (
      inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue
    );
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    const { value, problem } = readSetting(this, key);
    if (problem && !this.reported.has(problem)) {
      this.reported.add(problem);
      this.logger.warn(problem);
    }
    return value;
  }

  /** Writes a value where it takes effect: the workspace if the workspace sets it, else the user settings. */
  async update<K extends SettingKey>(key: K, value: Settings[K]): Promise<void> {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const target = config.inspect(key)?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
