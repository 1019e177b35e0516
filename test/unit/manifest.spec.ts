import * as assert from 'assert/strict';
import { readFileSync } from 'fs';
import * as path from 'path';
import { CHAT_VIEW_ID, CommandIds, CommandTitles } from '../../src/core/commandIds';
import { LEGACY_SETTINGS, SETTING_DEFINITIONS, SETTING_KEYS, SETTING_OWNERS, SETTINGS_SECTION, USER_ONLY_CONFIG_KEYS } from '../../src/core/settingsSchema';

interface SettingDeclaration {
  default: unknown;
  markdownDescription?: string;
  markdownDeprecationMessage?: string;
  type: string;
  enum?: unknown[];
  scope?: string;
}

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  icon: string;
  capabilities: { untrustedWorkspaces: { supported: boolean | string; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category: string; icon?: string }[];
    configuration: { id: string; title: string; order: number; properties: Record<string, SettingDeclaration> }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    keybindings: { command: string; key: string; when?: string }[];
    views: Record<string, { id: string; type: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
  };
}

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
/** Every declared setting, from all the configuration sections. */
const declaredSettings: Record<string, SettingDeclaration> = Object.assign({}, ...manifest.contributes.configuration.map((section) => section.properties));

describe('package.json declares the public contract', () => {
  it('declares exactly the contract commands, with their titles, in the DeepSeek category', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(CommandIds).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'DeepSeek', c.command);
      assert.equal(c.title, CommandTitles[c.command as keyof typeof CommandTitles], c.command);
    }
  });

  it('declares every setting of the typed settings module, with the same default and a description', () => {
    const props = declaredSettings;
    const current = SETTING_KEYS.map((k) => `${SETTINGS_SECTION}.${k}`);
    const legacy = LEGACY_SETTINGS.map((l) => `${SETTINGS_SECTION}.${l.key}`);
    assert.deepEqual(Object.keys(props).sort(), [...current, ...legacy].sort());
    for (const key of SETTING_KEYS) {
      const prop = props[`${SETTINGS_SECTION}.${key}`];
      assert.deepEqual(prop.default, SETTING_DEFINITIONS[key].defaultValue, key);
      assert.ok(prop.markdownDescription && prop.markdownDescription.length > 30, `${key} has a markdownDescription`);
      assert.equal(prop.markdownDeprecationMessage, undefined, `${key} is not deprecated`);
      for (const value of prop.enum ?? []) {
        assert.equal(SETTING_DEFINITIONS[key].parse(value).problem, undefined, `${key}: the schema accepts the enum value ${String(value)}`);
      }
    }
  });

  it('declares every user-only setting application-scoped and restricted in untrusted workspaces, and no other', () => {
    const props = declaredSettings;
    const full = (key: string) => `${SETTINGS_SECTION}.${key}`;
    // Application scope: never read from workspace or folder settings, nor from a remote machine's settings.
    const applicationScoped = Object.keys(props).filter((k) => props[k].scope === 'application').sort();
    // Replaced settings that migrate into a user-only setting (models.thinkingParameter) are user-only too.
    assert.deepEqual(applicationScoped, USER_ONLY_CONFIG_KEYS.map(full).sort());
    const restricted = [...(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [])].sort();
    assert.deepEqual(restricted, USER_ONLY_CONFIG_KEYS.map(full).sort());
    for (const key of USER_ONLY_CONFIG_KEYS) {
      assert.match(props[full(key)].markdownDescription ?? '', /user settings only/, `${key} says who sets it`);
    }
    // Where requests go, with which key, what is redacted and what is billed: the user's alone.
    for (const key of ['baseUrl', 'fallbackProviders', 'privacy.redact', 'pricing', 'budget.session', 'models.chat', 'models.reasoner',
      'models.reasoningEffort', 'models.thinking', 'models.limits', 'context.maxTokens'] as const) {
      assert.equal(SETTING_OWNERS[key], 'user', key);
    }
    assert.equal(SETTING_OWNERS['context.exclude'], 'additive');
    // Other settings keep VS Code's default (window) scope: no other scope is used.
    for (const [key, prop] of Object.entries(props)) {
      assert.ok(prop.scope === undefined || prop.scope === 'application', `${key} has scope ${String(prop.scope)}`);
    }
  });

  it('groups the settings in sections under `deepseek`, so the Settings editor reads "DeepSeek", not "Deepseek"', () => {
    // VS Code drops the part of a setting's category that its section's id repeats ("deepseek.models.chat" in the
    // section "deepseek.models" reads "Chat" under the heading "Models"); one section alone would be folded into
    // the extension's entry, whose id repeats nothing. The titles are what the editor shows for "deepseek".
    const sections = manifest.contributes.configuration;
    assert.ok(sections.length >= 2, 'more than one section');
    assert.deepEqual(sections[0], { ...sections[0], id: 'deepseek', title: 'DeepSeek' });
    for (const section of sections) {
      assert.match(section.id, /^deepseek(\.|$)/, section.id);
      assert.doesNotMatch(section.title, /Deepseek/, section.title);
    }
    assert.deepEqual(sections.map((s) => s.order), sections.map((_, i) => i + 1), 'in order');
    assert.equal(new Set(sections.map((s) => s.id)).size, sections.length, 'ids are unique');
  });

  it('keeps replaced settings declared as deprecated, naming their replacement', () => {
    const props = declaredSettings;
    for (const l of LEGACY_SETTINGS) {
      const prop = props[`${SETTINGS_SECTION}.${l.key}`];
      assert.equal(prop.markdownDeprecationMessage, l.note, l.key);
      assert.ok(prop.markdownDeprecationMessage?.includes(`#${SETTINGS_SECTION}.${l.replacedBy}#`), `${l.key} names ${l.replacedBy}`);
    }
  });

  it('names no retired model id as a default', () => {
    const defaults = JSON.stringify(SETTING_KEYS.map((k) => declaredSettings[`${SETTINGS_SECTION}.${k}`].default));
    assert.doesNotMatch(defaults, /deepseek-chat|deepseek-reasoner/);
  });

  it('binds Explain and Refactor without asking for a selection (they take the enclosing function)', () => {
    const when = (command: string) => manifest.contributes.keybindings.find((k) => k.command === command)?.when;
    assert.equal(when(CommandIds.explainSelection), 'editorTextFocus');
    assert.equal(when(CommandIds.refactorSelection), 'editorTextFocus && !editorReadonly');
  });

  it('refers only to declared commands from menus and keybindings', () => {
    const ids = new Set(manifest.contributes.commands.map((c) => c.command));
    const used = [
      ...Object.values(manifest.contributes.menus).flat().map((m) => m.command),
      ...manifest.contributes.keybindings.map((k) => k.command),
    ];
    for (const id of used) {
      assert.ok(ids.has(id), `${id} is declared`);
    }
    const contextMenu = manifest.contributes.menus['editor/context'].map((m) => m.command);
    assert.deepEqual(contextMenu, [CommandIds.explainSelection, CommandIds.refactorSelection, CommandIds.fixDiagnostics]);
  });

  it('contributes the chat webview view in the DeepSeek activity-bar container', () => {
    assert.deepEqual(manifest.contributes.viewsContainers.activitybar.map((c) => c.id), ['deepseek']);
    assert.deepEqual(manifest.contributes.views.deepseek, [
      { type: 'webview', id: CHAT_VIEW_ID, name: 'Chat', icon: 'media/deepseek.svg', contextualTitle: 'DeepSeek' },
    ]);
  });

  it('puts New Chat, History and Spend in the chat view\'s title bar as codicons, the key commands in its overflow menu', () => {
    const items = manifest.contributes.menus['view/title'].filter((m) => m.when === `view == ${CHAT_VIEW_ID}`);
    const navigation = items.filter((m) => m.group?.startsWith('navigation'));
    assert.deepEqual(navigation.map((m) => [m.command, m.group]), [
      [CommandIds.newChat, 'navigation@1'],
      [CommandIds.showChatHistory, 'navigation@2'],
      [CommandIds.showSpend, 'navigation@3'],
    ]);
    const icon = (id: string) => manifest.contributes.commands.find((c) => c.command === id)?.icon;
    assert.deepEqual(navigation.map((m) => icon(m.command)), ['$(add)', '$(history)', '$(graph)']);
    const overflow = items.filter((m) => !m.group?.startsWith('navigation')).map((m) => m.command);
    assert.deepEqual(overflow, [CommandIds.setApiKey, CommandIds.clearApiKey]);
  });

  it('activates lazily and points at files that exist', () => {
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(manifest.engines.vscode, /^\^1\.\d+\.0$/);
    for (const file of [manifest.icon, manifest.contributes.viewsContainers.activitybar[0].icon]) {
      assert.ok(readFileSync(path.join(root, file)).length > 0, file);
    }
  });
});
