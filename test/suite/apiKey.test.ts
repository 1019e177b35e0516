import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

describe('API key in SecretStorage', () => {
  const fake = fakeServer();

  beforeEach(async () => {
    await fake.reset();
    delete process.env.DEEPSEEK_API_KEY;
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  after(async () => {
    delete process.env.DEEPSEEK_API_KEY;
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await fake.reset();
  });

  it('stores a key given as an argument, checks it against the endpoint and updates the status bar', async () => {
    const api = await activateExtension();
    const since = Date.now();
    const result = await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-test-roundtrip-1234');
    assert.equal(result, 'stored');
    assert.equal(await api.apiKeySource(), 'secretStorage');
    const notice = await waitForNotice(api, /saved and accepted/, since);
    assert.match(notice.message, /Models available: deepseek-flash, deepseek-v4-pro\./);
    assert.doesNotMatch(notice.message, /sk-test-roundtrip/);
    const modelsCall = (await fake.requests()).find((r) => r.route === '/models');
    assert.equal(modelsCall?.headers.authorization, 'Bearer sk-test-roundtrip-1234', 'the stored key is what is sent');
    const status = await waitFor('status bar to show a ready key', () => {
      const s = api.statusBar();
      return s.command === CommandIds.showSpend ? s : undefined;
    });
    assert.match(status.accessibilityLabel, /^DeepSeek/);
    assert.doesNotMatch(JSON.stringify(status), /sk-test-roundtrip/, 'the key never shows in the status bar');
  });

  it('round-trips: the key survives a clear of something else and is gone after Clear API Key', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-test-second-5678');
    assert.equal(await api.apiKeySource(), 'secretStorage');
    const check = await api.checkConnection();
    assert.equal(check.ok, true);
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    assert.equal(await api.apiKeySource(), 'none');
    const notice = await waitForNotice(api, /API key removed/, since);
    assert.deepEqual(notice.actions, ['Set API Key']);
    const after = await api.checkConnection();
    assert.equal(after.ok, false);
    await waitFor('status bar to ask for a key again', () => (api.statusBar().command === CommandIds.setApiKey ? true : undefined));
  });

  it('refuses a malformed key with a clear message and keeps the previous state', async () => {
    const api = await activateExtension();
    const since = Date.now();
    const result = await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-has a space');
    assert.equal(result, 'invalid');
    const notice = await waitForNotice(api, /not saved/, since);
    assert.equal(notice.severity, 'error');
    assert.match(notice.message, /no spaces/);
    assert.doesNotMatch(notice.message, /sk-has a space/);
    assert.equal(await api.apiKeySource(), 'none');
  });

  it('says when the endpoint rejects the key, offering to set another, without echoing it', async () => {
    const api = await activateExtension();
    await fake.configure({ apiKey: 'sk-the-only-valid-key' });
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-wrong-key-9999');
    const notice = await waitForNotice(api, /rejected the API key/, since);
    assert.equal(notice.severity, 'error');
    assert.deepEqual(notice.actions, ['Set API Key']);
    assert.doesNotMatch(notice.message, /sk-wrong-key/);
  });

  it('falls back to DEEPSEEK_API_KEY from the environment when none is stored', async () => {
    const api = await activateExtension();
    process.env.DEEPSEEK_API_KEY = 'sk-from-environment-4242';
    assert.equal(await api.apiKeySource(), 'environment');
    const check = await api.checkConnection();
    assert.equal(check.ok, true);
    const sent = (await fake.requests()).filter((r) => r.route === '/models').at(-1);
    assert.equal(sent?.headers.authorization, 'Bearer sk-from-environment-4242');

    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-stored-wins-0001');
    assert.equal(await api.apiKeySource(), 'secretStorage', 'a stored key wins over the environment');
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    const notice = await waitForNotice(api, /removed from SecretStorage/, since);
    assert.match(notice.message, /DEEPSEEK_API_KEY environment variable is still set/);
    assert.equal(await api.apiKeySource(), 'environment');
  });

  it('never writes the key into settings', async () => {
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-not-in-settings-777');
    const all = JSON.stringify(vscode.workspace.getConfiguration('deepseek'));
    assert.doesNotMatch(all, /sk-not-in-settings/);
  });
});
