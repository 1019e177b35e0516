import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { EXTENSION_ID } from '../harness/paths';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

describe('activation (first start, no API key anywhere)', () => {
  it('activates, and its timing is a measurement of this activation in this extension host', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const alreadyActive = extension.isActive;
    const calledAt = performance.now();
    const api = await activateExtension();
    const resolvedAt = performance.now();
    assert.equal(api.version, extension.packageJSON.version);
    const { bundleEvaluatedMs, activateMs, totalMs } = api.activation;
    for (const [name, ms] of Object.entries(api.activation)) {
      assert.ok(Number.isFinite(ms) && ms > 0, `${name} is a positive number of milliseconds: ${ms}`);
    }
    // The test shares the extension's process and clock: performance.now() counts from the host's start, so
    // the extension cannot have spent more time activating than the host has existed.
    assert.ok(totalMs < resolvedAt, `activation (${totalMs.toFixed(1)} ms) fits in the host's lifetime (${resolvedAt.toFixed(1)} ms)`);
    if (!alreadyActive) {
      assert.ok(activateMs <= resolvedAt - calledAt, `activate() (${activateMs.toFixed(1)} ms) ran while the test waited (${(resolvedAt - calledAt).toFixed(1)} ms)`);
    }
    // activate() waits on nothing (no network, no file reads): even on a loaded machine it is well under this.
    assert.ok(activateMs < 2_000, `activate() took ${activateMs.toFixed(1)} ms`);
    console.log(`      activation: modules ${bundleEvaluatedMs.toFixed(1)} ms + activate() ${activateMs.toFixed(1)} ms${alreadyActive ? ' (already active at test start)' : ''}`);
  });

  it('prompts for a key with actions that fix it, and says so in the status bar', async () => {
    const api = await activateExtension();
    assert.equal(await api.apiKeySource(), 'none');
    const notice = await waitForNotice(api, /needs an API key/);
    assert.equal(notice.severity, 'info');
    assert.deepEqual(notice.actions, ['Set API Key', 'Get a Key']);
    assert.match(notice.message, /DEEPSEEK_API_KEY/);
    const status = api.statusBar();
    assert.match(status.text, /set key/);
    assert.match(status.accessibilityLabel, /^DeepSeek: no API key/);
    assert.equal(status.command, CommandIds.setApiKey);
    // A loopback URL is a local endpoint until a response says it is the offline simulator.
    assert.match(status.tooltip, /Endpoint: Local endpoint at http:\/\/127\.0\.0\.1:\d+\n/);
  });

  it('registers every command it contributes', async () => {
    await activateExtension();
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.deepEqual([...contributed].sort(), Object.values(CommandIds).sort());
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'every contributed command is registered');
  });

  it('Explain, Refactor and Fix with no editor say what to do, and send nothing', async () => {
    const api = await activateExtension();
    const fake = fakeServer();
    await fake.reset();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const since = Date.now();
    for (const id of [CommandIds.explainSelection, CommandIds.refactorSelection, CommandIds.fixDiagnostics]) {
      await vscode.commands.executeCommand(id);
    }
    const notices = api.recentNotices().filter((n) => n.at >= since);
    assert.equal(notices.length, 3);
    for (const n of notices) {
      assert.match(n.message, /^DeepSeek: .+ Nothing was sent\.$/);
    }
    assert.match(notices[0].message, /open a file and select the code to explain/);
    assert.deepEqual(await fake.requests(), []);
  });

  it('opens the chat view', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view to be hidden', () => (api.chatViewVisible() ? undefined : true));
    await vscode.commands.executeCommand(CommandIds.openChat);
    await waitFor('the chat view to be resolved and visible', () => (api.chatViewVisible() ? true : undefined));
  });
});
