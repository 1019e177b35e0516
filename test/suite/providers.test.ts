import * as assert from 'assert/strict';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { activateExtension, waitFor, waitForNotice } from './helpers';

/**
 * The fallback providers' keys and status. No request goes to a fallback here (the hosts are `.invalid`), so
 * these need no second fake server; the fallbacks are set in the user settings by the tests themselves.
 */

/** Not shaped like a DeepSeek key (`sk-…`), so only the extension's record of known keys can scrub it from logs. */
const BACKUP_KEY = 'fbk-backup-0123456789abcdef';
const SPARE_ENV = 'DEEPSEEK_TEST_SPARE_KEY';
const SPARE_ENV_KEY = 'fbk-spare-env-9876543210';

const models = { chat: 'deepseek-flash', reasoner: 'deepseek-v4-pro' };
const backup = (baseUrl = 'https://backup.invalid/v1', name = 'Backup') => ({ name, baseUrl, models });
const spare = { name: 'Spare', baseUrl: 'https://spare.invalid:8443', apiKeyEnv: SPARE_ENV, models };

const config = () => vscode.workspace.getConfiguration('deepseek');
const setFallbacks = (value: unknown) => config().update('fallbackProviders', value, vscode.ConfigurationTarget.Global);

/** The VS Code server's data folder of this run (next to the workspace; see test/harness/testEnvironment.ts). */
function serverDataDir(): string {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(workspace, 'the suite runs in a workspace');
  return path.join(workspace, '..', 'vscode', 'server');
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, keep) : keep(full) ? [full] : [];
  });
}

const logsText = () => filesUnder(path.join(serverDataDir(), 'data', 'logs'), (f) => f.endsWith('.log')).map((f) => readFileSync(f, 'utf8')).join('\n');

/**
 * Runs Show Provider Status (unless `run` is false: the document is open already) and returns its text once it
 * satisfies `ready` (the document is rendered and updated asynchronously).
 */
async function providerStatusText(ready: (text: string) => boolean, run = true): Promise<string> {
  if (run) await vscode.commands.executeCommand(CommandIds.showProviderStatus);
  let last = '';
  try {
    return await waitFor('the provider status document', () => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-providers');
      last = doc?.getText() ?? '';
      return doc && ready(last) ? last : undefined;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; it read:\n${last}`);
  }
}

/** The section of the status document for one provider. */
function section(text: string, name: string): string {
  const start = text.indexOf(`## ${name} — `);
  if (start < 0) return '';
  const next = text.indexOf('\n## ', start + 3);
  return text.slice(start, next < 0 ? undefined : next);
}
const keyLineOf = (text: string, name: string) => /- Key: (.*)/.exec(section(text, name))?.[1];

describe('fallback providers: keys and status', () => {
  before(async () => {
    await activateExtension();
    delete process.env[SPARE_ENV];
  });

  after(async () => {
    await setFallbacks([backup(), spare]);
    for (const name of ['Backup', 'Spare']) await vscode.commands.executeCommand(CommandIds.clearFallbackProviderKey, name);
    await setFallbacks(undefined);
    delete process.env[SPARE_ENV];
  });

  it('says how to add a fallback when none is configured, offering the user settings', async () => {
    const api = await activateExtension();
    await setFallbacks(undefined);
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Backup', BACKUP_KEY), 'noProviders');
    const notice = await waitForNotice(api, /No fallback providers are configured/, since);
    assert.match(notice.message, /deepseek\.fallbackProviders.*user settings/);
    assert.deepEqual(notice.actions, ['Open Settings']);
    assert.equal(api.clickNotice(/No fallback providers are configured/, 'Open Settings'), true);
    await waitFor('the settings editor', () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label.includes('Settings') ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal(await vscode.commands.executeCommand(CommandIds.clearFallbackProviderKey, 'Backup'), 'noProviders');
  });

  it('offers only the configured fallbacks, by name', async () => {
    const api = await activateExtension();
    await setFallbacks([backup(), spare]);
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Nope', BACKUP_KEY), 'unknownProvider');
    await waitForNotice(api, /no fallback provider is named "Nope"/, since);
    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'DeepSeek', BACKUP_KEY), 'unknownProvider', 'DeepSeek\'s key is Set API Key\'s');
    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Backup', 'has a space'), 'invalid');
    await waitForNotice(api, /the key for Backup was not saved\. An API key has no spaces/, since);
  });

  it('stores the key under the provider\'s name and origin, never in settings or logs', async () => {
    const api = await activateExtension();
    await setFallbacks([backup(), spare]);
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Backup', ` ${BACKUP_KEY} `), 'stored');
    const saved = await waitForNotice(api, /Key for Backup saved in SecretStorage/, since);
    assert.match(saved.message, /sent only to https:\/\/backup\.invalid\./);
    assert.doesNotMatch(saved.message, new RegExp(BACKUP_KEY));

    let text = await providerStatusText((t) => keyLineOf(t, 'Backup') === 'key in SecretStorage');
    assert.equal(keyLineOf(text, 'Spare'), 'no key');

    // The same name at another origin does not get the key; the same origin on another path does.
    await setFallbacks([backup('https://elsewhere.invalid/v1'), spare]);
    text = await providerStatusText((t) => t.includes('elsewhere.invalid') && keyLineOf(t, 'Backup') === 'no key');
    await setFallbacks([backup('https://backup.invalid/v2/'), spare]);
    await providerStatusText((t) => t.includes('`backup.invalid`') && keyLineOf(t, 'Backup') === 'key in SecretStorage');
    // Nor does another name at the same origin.
    await setFallbacks([backup('https://backup.invalid/v1', 'Renamed'), spare]);
    await providerStatusText((t) => keyLineOf(t, 'Renamed') === 'no key');
    await setFallbacks([backup(), spare]);

    // A notice quoting the key (here: an unknown provider "named" like it) is logged with the key scrubbed.
    const quoted = Date.now();
    await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, BACKUP_KEY, BACKUP_KEY);
    await waitForNotice(api, /no fallback provider is named/, quoted);
    await waitFor('the log to record the stored key and the scrubbed notice', () => {
      const logs = logsText();
      return logs.includes('fallback key for Backup (https://backup.invalid) stored in SecretStorage') &&
        logs.includes('no fallback provider is named "[redacted]"')
        ? true
        : undefined;
    });
    assert.doesNotMatch(logsText(), new RegExp(BACKUP_KEY), 'the key is in no log');
    const settingsFiles = filesUnder(serverDataDir(), (f) => f.endsWith('settings.json'));
    assert.ok(settingsFiles.length > 0, 'the user settings are on disk');
    for (const file of settingsFiles) assert.doesNotMatch(readFileSync(file, 'utf8'), new RegExp(BACKUP_KEY), file);
    assert.doesNotMatch(JSON.stringify(config().inspect('fallbackProviders')), new RegExp(BACKUP_KEY));
    assert.doesNotMatch(JSON.stringify(api.statusBar()), new RegExp(BACKUP_KEY));
  });

  it('reads a key from the environment variable the entry names, afresh, and says what Clear leaves in effect', async () => {
    const api = await activateExtension();
    await setFallbacks([backup(), spare]);
    await providerStatusText((t) => keyLineOf(t, 'Spare') === 'no key');
    process.env[SPARE_ENV] = SPARE_ENV_KEY;
    await providerStatusText((t) => keyLineOf(t, 'Spare') === `from $${SPARE_ENV}`);

    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Spare', 'fbk-spare-stored-5555'), 'stored');
    await providerStatusText((t) => keyLineOf(t, 'Spare') === 'key in SecretStorage');
    let since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.clearFallbackProviderKey, 'Spare'), 'cleared');
    await waitForNotice(api, new RegExp(`Key for Spare removed from SecretStorage\\. \\$${SPARE_ENV} is still set`), since);
    await providerStatusText((t) => keyLineOf(t, 'Spare') === `from $${SPARE_ENV}`);
    since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.clearFallbackProviderKey, 'Spare'), 'nothingStored');
    await waitForNotice(api, /No key for Spare is stored in SecretStorage/, since);

    assert.equal(await vscode.commands.executeCommand(CommandIds.setFallbackProviderKey, 'Backup', BACKUP_KEY), 'stored');
    since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.clearFallbackProviderKey, 'Backup'), 'cleared');
    const removed = await waitForNotice(api, /Key for Backup removed\./, since);
    assert.deepEqual(removed.actions, ['Set Fallback Provider Key']);
    await providerStatusText((t) => keyLineOf(t, 'Backup') === 'no key');
    delete process.env[SPARE_ENV];
  });

  it('Show Provider Status names each provider in order, with its host, role and state', async () => {
    await activateExtension();
    await setFallbacks([backup(), spare]);
    const text = await providerStatusText((t) => t.includes('## Spare'));
    assert.match(text, /^# DeepSeek provider status/);
    const headings = text.split('\n').filter((l) => l.startsWith('## '));
    assert.deepEqual(headings, ['## DeepSeek — primary', '## Backup — fallback 1', '## Spare — fallback 2']);
    const deepseekHost = new URL(process.env.FAKE_DEEPSEEK_URL ?? '').host;
    assert.match(section(text, 'DeepSeek'), new RegExp(`- Host: \`${deepseekHost.replace(/\./g, '\\.')}\``));
    assert.match(section(text, 'Backup'), /- Host: `backup\.invalid`/);
    assert.match(section(text, 'Spare'), /- Host: `spare\.invalid:8443`/);
    for (const name of ['DeepSeek', 'Backup', 'Spare']) assert.match(section(text, name), /- State: healthy\n/, name);
    assert.match(section(text, 'DeepSeek'), /- Key: (no key|key in SecretStorage|from \$DEEPSEEK_API_KEY)/);

    // The open document follows the settings.
    await setFallbacks(undefined);
    await providerStatusText((t) => !t.includes('## Backup') && t.includes('No fallback providers are configured'), false);
  });
});
