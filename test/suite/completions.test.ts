import * as assert from 'assert/strict';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor } from './helpers';

const KEY = 'sk-completions-tests-0001';
/** A value the redactor must catch before a completion request leaves. */
const SECRET = 'ghp_Zq8mX2vN7pL4rT9wY1kB6cJ3hF5dS0aG8eQu';

const fimRequests = (requests: readonly LoggedRequest[]) => requests.filter((r) => r.route === '/beta/completions');

/**
 * Inline completions in the real VS Code, driven as a user would: open a file, type, and let VS Code ask the
 * provider (automatically while typing, or explicitly with editor.action.inlineSuggest.trigger). What leaves the
 * machine is read from the fake server's log.
 */
describe('inline completions', () => {
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');
  let api: DeepSeekAssistantTestApi;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, KEY);
    mkdirSync(path.join(root(), 'src'), { recursive: true });
    writeFileSync(path.join(root(), 'src', 'shapes.ts'), `// token ${SECRET}\nexport function area(w: number, h: number): number {\n  \n}\n`);
    writeFileSync(path.join(root(), '.env'), 'API_TOKEN=abc\n');
  });

  beforeEach(async () => {
    await fake.reset();
    await fake.configure({ fimReply: 'return w * h;' });
    api.resetProviderHealth();
  });

  after(async () => {
    await config().update('inlineCompletions.enabled', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await fake.reset();
  });

  async function openAt(rel: string, line: number, character: number): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(path.join(root(), rel));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(line, character, line, character);
    return editor;
  }

  async function trigger(): Promise<void> {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  it('asks DeepSeek FIM with the chat model, redacted, and never a secret', async () => {
    await openAt('src/shapes.ts', 2, 2);
    await trigger();
    const sent = await waitFor('a FIM request', async () => fimRequests(await fake.requests())[0]);
    const body = sent.body as { model: string; prompt: string; suffix?: string; max_tokens?: number; stop?: string[] };
    assert.equal(body.model, 'deepseek-flash');
    assert.ok(!JSON.stringify(body).includes(SECRET), 'the secret in the prefix never reaches the API');
    assert.match(body.prompt, /export function area\(w: number, h: number\): number \{\n {2}$/, 'the prefix ends at the cursor');
    assert.match(body.suffix ?? '', /^\n\}/, 'the suffix starts after the cursor');
    assert.ok(body.max_tokens !== undefined && body.max_tokens <= 256, 'small max tokens');
    await waitFor('the completion in the ledger', () => (api.spend().session.requests >= 1 ? true : undefined));
    assert.equal(api.lastRequest()?.surface, 'completion');
  });

  it('sends nothing for a file the read policy keeps back (.env), nor when turned off', async () => {
    await openAt('.env', 0, 13);
    await trigger();
    await openAt('src/shapes.ts', 2, 2);
    await config().update('inlineCompletions.enabled', false, vscode.ConfigurationTarget.Global);
    await trigger();
    await new Promise((r) => setTimeout(r, 1500)); // give a wrong request time to show up in the log
    assert.equal(fimRequests(await fake.requests()).length, 0);
    assert.equal(api.completionStatus().state, 'off');
    await config().update('inlineCompletions.enabled', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(api.completionStatus().state, 'on');
  });

  it('typing fast sends few requests', async () => {
    await openAt('src/shapes.ts', 2, 2);
    const before = api.completionRequests();
    const typed = 'const half = w / 2 + h / 2;';
    for (const ch of typed) {
      await vscode.commands.executeCommand('type', { text: ch }); // as the keyboard types
      await new Promise((r) => setTimeout(r, 25));
    }
    const sent = await waitFor('the request after the typist pauses', () => (api.completionRequests() > before ? api.completionRequests() - before : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    const total = api.completionRequests() - before;
    assert.ok(sent >= 1 && total <= 3, `${total} requests for ${typed.length} characters typed at 25 ms each`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a 401 makes one notification, however often it is asked', async () => {
    const since = Date.now();
    await fake.injectFault({ kind: 'status', status: 401, path: '/beta/completions', times: 5 });
    await openAt('src/shapes.ts', 2, 2);
    for (let i = 0; i < 3; i++) {
      await vscode.commands.executeCommand('type', { text: 'x' }); // the user types on; each pause asks again
      await trigger();
      await waitFor(`request ${i + 1}`, async () => (fimRequests(await fake.requests()).length > i ? true : undefined));
    }
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const notices = api.recentNotices().filter((n) => n.at >= since && /API key/.test(n.message));
    assert.equal(notices.length, 1, JSON.stringify(api.recentNotices().filter((n) => n.at >= since).map((n) => n.message)));
  });

  it('Snooze pauses completions for 5 minutes and says so; running it again resumes', async () => {
    await vscode.commands.executeCommand(CommandIds.snoozeInlineCompletions);
    assert.equal(api.completionStatus().state, 'snoozed');
    assert.match(api.completionStatus().accessibilityLabel, /^Inline completions by DeepSeek: snoozed for [45]:\d\d$/);
    await openAt('src/shapes.ts', 2, 2);
    await trigger();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(fimRequests(await fake.requests()).length, 0);
    await vscode.commands.executeCommand(CommandIds.snoozeInlineCompletions);
    assert.equal(api.completionStatus().state, 'on');
  });
});

describe('Toggle Inline Completions', () => {
  const config = () => vscode.workspace.getConfiguration('deepseek');
  let api: DeepSeekAssistantTestApi;

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    await config().update('inlineCompletions.enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('says what is true now, and the status bar follows', async () => {
    const since = Date.now();
    assert.equal(await vscode.commands.executeCommand(CommandIds.toggleInlineCompletions), false);
    await waitFor('the off message', () => api.recentNotices().find((n) => n.at >= since && /inline completions are off/.test(n.message)));
    assert.equal(api.completionStatus().state, 'off');
    assert.match(api.completionStatus().text, /circle-slash/);
    assert.equal(await vscode.commands.executeCommand(CommandIds.toggleInlineCompletions), true);
    await waitFor('the on message', () => api.recentNotices().find((n) => n.at >= since && /inline completions are on/.test(n.message)));
    assert.equal(api.completionStatus().state, 'on');
    assert.doesNotMatch(JSON.stringify(api.recentNotices()), /coming version/, 'no promise of a feature that is there');
  });
});
