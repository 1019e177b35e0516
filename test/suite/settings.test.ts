import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { activateExtension, waitFor, waitForNotice } from './helpers';

describe('settings', () => {
  after(async () => {
    await vscode.workspace.getConfiguration('deepseek').update('inlineCompletions.enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('declares the contract settings with their defaults', () => {
    const config = vscode.workspace.getConfiguration('deepseek');
    assert.equal(config.inspect('baseUrl')?.defaultValue, 'https://api.deepseek.com');
    assert.equal(config.get('models.chat'), 'deepseek-chat');
    assert.equal(config.get('models.reasoner'), 'deepseek-reasoner');
    assert.equal(config.get('privacy.redact'), true);
    assert.equal(config.get('budget.session'), 0);
    assert.deepEqual(config.get('pricing'), {
      'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1 },
      'deepseek-reasoner': { cacheHit: 0.14, cacheMiss: 0.55, output: 2.19 },
    });
  });

  it('Toggle Inline Completions flips the setting and says what it did', async () => {
    const api = await activateExtension();
    const config = () => vscode.workspace.getConfiguration('deepseek');
    assert.equal(config().get('inlineCompletions.enabled'), true);
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.toggleInlineCompletions), false);
    assert.equal(config().get('inlineCompletions.enabled'), false);
    await waitForNotice(api, /inline completions are now off/, since);
    assert.equal(await vscode.commands.executeCommand(CommandIds.toggleInlineCompletions), true);
    assert.equal(config().get('inlineCompletions.enabled'), true);
  });

  it('follows a change of endpoint in the status bar', async () => {
    const api = await activateExtension();
    const config = vscode.workspace.getConfiguration('deepseek');
    const original = config.get<string>('baseUrl');
    try {
      await config.update('baseUrl', 'https://api.deepseek.com', vscode.ConfigurationTarget.Global);
      await waitFor('the status bar to name the new endpoint', () => (/DeepSeek API \(api\.deepseek\.com\)/.test(api.statusBar().tooltip) ? true : undefined));
    } finally {
      await config.update('baseUrl', original, vscode.ConfigurationTarget.Global);
    }
  });
});
