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
    assert.equal(config.get('models.chat'), 'deepseek-flash');
    assert.equal(config.get('models.reasoner'), 'deepseek-flash');
    assert.equal(config.get('models.reasoningEffort'), 'high');
    assert.equal(config.get('models.thinking'), 'auto');
    assert.deepEqual(config.get('models.limits'), {});
    assert.equal(config.get('context.maxTokens'), 128_000, 'a modest budget: what is sent is paid for at least once');
    assert.equal(config.get('privacy.redact'), true);
    assert.equal(config.get('budget.session'), 0);
    // DeepSeek's table as of 2026-11 (README, "Models and prices"): off-peak, twice that at peak on weekdays.
    const peak = (startUtc: string, endUtc: string, rates: { cacheHit: number; cacheMiss: number; output: number }) => ({
      name: 'peak', days: ['mon', 'tue', 'wed', 'thu', 'fri'], startUtc, endUtc, ...rates,
    });
    const entry = (offPeak: { cacheHit: number; cacheMiss: number; output: number }, peakRates: typeof offPeak) => ({
      name: 'off-peak', ...offPeak, windows: [peak('01:00', '04:00', peakRates), peak('06:00', '10:00', peakRates)],
    });
    assert.deepEqual(config.get('pricing'), {
      'deepseek-flash': entry({ cacheHit: 0.003, cacheMiss: 0.15, output: 0.6 }, { cacheHit: 0.006, cacheMiss: 0.3, output: 1.2 }),
      'deepseek-v4-pro': entry({ cacheHit: 0.022, cacheMiss: 0.66, output: 1.98 }, { cacheHit: 0.044, cacheMiss: 1.32, output: 3.96 }),
    });
  });

  it('Toggle Inline Completions flips the setting and says what it did', async () => {
    const api = await activateExtension();
    const config = () => vscode.workspace.getConfiguration('deepseek');
    assert.equal(config().get('inlineCompletions.enabled'), true);
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.toggleInlineCompletions), false);
    assert.equal(config().get('inlineCompletions.enabled'), false);
    await waitForNotice(api, /inline completions are off\. Toggle again to turn them on/, since);
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
