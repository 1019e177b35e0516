import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import {
  LEGACY_SETTINGS,
  readLayeredSetting,
  SETTING_KEYS,
  SETTING_OWNERS,
  SETTINGS_SECTION,
  USER_ONLY_CONFIG_KEYS,
  type LegacySettingKey,
  type SettingKey,
  type SettingLayers,
  type Settings,
  type SettingsSource,
  type UserOnlyKey,
} from '../core/settingsSchema';

/**
 * The one place that reads VS Code configuration. Values are validated by the pure schema; an invalid value
 * falls back to its default and is reported once in the log. `onDidChange` fires with the keys that changed.
 *
 * Who may set what is the schema's `SETTING_OWNERS`: the user-only keys (endpoint, providers, models, context
 * size, redaction, pricing, budget) are read from the user's own settings and nothing else — never from a
 * workspace or folder value, whether or not the workspace is trusted. VS Code already drops them from workspace
 * settings (they are application-scoped); this does not rely on it.
 */
export class ConfigurationService implements SettingsSource, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<readonly SettingKey[]>();
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;

  readonly onDidChange = this.emitter.event;

  constructor(private readonly logger: Logger) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      // A replaced setting (models.thinkingParameter) changes the setting it became.
      const changed = SETTING_KEYS.filter((key) =>
        e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`) ||
        LEGACY_SETTINGS.some((l) => l.replacedBy === key && e.affectsConfiguration(`${SETTINGS_SECTION}.${l.key}`)));
      if (changed.length > 0) {
        this.emitter.fire(changed);
      }
    });
  }

  private layers(key: SettingKey | LegacySettingKey): SettingLayers {
    const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
    if (!isSettingKey(key)) {
      return { user: inspected?.globalValue }; // replaced settings are read as their user-only replacements
    }
    switch (SETTING_OWNERS[key]) {
      case 'user':
        return { user: inspected?.globalValue };
      case 'additive':
      case 'narrowing': {
        const folders = (vscode.workspace.workspaceFolders ?? [])
          .map((folder) => vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect(key)?.workspaceFolderValue)
          .filter((v) => v !== undefined);
        return { user: inspected?.globalValue, workspace: inspected?.workspaceValue, folders };
      }
      case 'any':
        return {
          user: inspected?.globalValue,
          workspace: inspected?.workspaceValue,
          folders: inspected?.workspaceFolderValue === undefined ? [] : [inspected.workspaceFolderValue],
        };
    }
  }

  /** The raw value in effect (for diagnostics; `get` is what features use). */
  getRaw(key: SettingKey | LegacySettingKey): unknown {
    const layers = this.layers(key);
    return !isSettingKey(key) || SETTING_OWNERS[key] === 'user' ? layers.user : (layers.folders?.at(-1) ?? layers.workspace ?? layers.user);
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    const { value, problems } = readLayeredSetting(key, this.layers(key), (legacy) => this.layers(legacy));
    for (const problem of problems) {
      if (!this.reported.has(problem)) {
        this.reported.add(problem);
        this.logger.warn(problem);
      }
    }
    return value;
  }

  /**
   * The user-only keys that a workspace or folder value shows for in VS Code's configuration (VS Code drops
   * the flat form from workspace settings, so this catches the forms it lets through). Never used as values.
   */
  workspaceSetUserOnlyKeys(): UserOnlyKey[] {
    const scopes = [undefined, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri)];
    return USER_ONLY_CONFIG_KEYS.filter((key) =>
      scopes.some((scope) => {
        const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope).inspect(key);
        return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
      }),
    );
  }

  /**
   * Writes a value where it takes effect. User-only and additive keys go to the user settings; others to the
   * workspace if the workspace sets the key, else to the user settings.
   */
  async update<K extends SettingKey>(key: K, value: Settings[K]): Promise<void> {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const target = SETTING_OWNERS[key] === 'any' && config.inspect(key)?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function isSettingKey(key: SettingKey | LegacySettingKey): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}
