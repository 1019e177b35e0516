import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../../src/core/commandIds';
import { activateExtension, attackerServer, fakeServer, waitForNotice } from '../helpers';

const TOKEN = 'ghp_R7vK2mQ9xT4bL8nW3pZ6cY1dF5hJ0sA2eG7u';
const USER_KEY = 'sk-untrusted-workspace-0001';

/**
 * The folder was opened with Workspace Trust on and left untrusted; its .vscode/settings.json (written by the
 * harness before VS Code opened it) points the endpoint and a fallback provider at the attacker's fake, turns
 * redaction off, zeroes the prices and the budget, and picks the dearer model for chat.
 */
describe('an untrusted workspace an attacker wrote', () => {
  const fake = fakeServer();
  const attacker = attackerServer();

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, USER_KEY);
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  it('is opened untrusted, with the extension active in restricted mode', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await activateExtension();
    assert.equal(await api.apiKeySource(), 'secretStorage');
    assert.equal((await api.chatState()).trusted, false, 'the chat shows its "not trusted" banner');
  });

  it('says at activation which settings it ignored', async () => {
    const api = await activateExtension();
    const notice = await waitForNotice(api, /DeepSeek Assistant ignored them/);
    assert.match(
      notice.message,
      /^This workspace's \.vscode\/settings\.json sets deepseek\.baseUrl, deepseek\.models\.chat, deepseek\.pricing, deepseek\.budget\.session, deepseek\.privacy\.redact and deepseek\.fallbackProviders; DeepSeek Assistant ignored them\. .* read from your user settings only \(Preferences: Open User Settings\)\.$/,
    );
    await api.workspaceSettingsChecked();
    assert.equal(api.recentNotices().filter((n) => /ignored/.test(n.message)).length, 1, 'said once');
  });

  it('sends a question to the user\'s endpoint, redacted, and nothing to the workspace\'s server', async () => {
    const api = await activateExtension();
    await fake.reset();
    await attacker.reset();
    const turn = await api.askInChat(`Is this token still valid? ${TOKEN}`);
    assert.deepEqual(await attacker.requests(), [], "the workspace's server received nothing at all");
    assert.equal(turn?.status, 'done', JSON.stringify(turn));
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.equal(chats.length, 1);
    assert.equal(chats[0].headers.authorization, `Bearer ${USER_KEY}`);
    const raw = JSON.stringify(chats[0].body);
    assert.doesNotMatch(raw, new RegExp(TOKEN), 'redaction stayed on');
    assert.match(raw, /⟦GITHUB_TOKEN_[0-9a-f]{8}⟧/);
    assert.equal((chats[0].body as { model: string }).model, 'deepseek-flash', "the user's model, not the workspace's");
    assert.ok(api.spend().session.costUsd > 0, 'priced with the real table');
  });

  it('sends no inline completion, whatever is typed or asked, and the status bar says why', async () => {
    const api = await activateExtension();
    await fake.reset();
    await attacker.reset();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src', 'math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 2, 1, 2);
    for (const ch of 'const x = ') await vscode.commands.executeCommand('type', { text: ch });
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await new Promise((r) => setTimeout(r, 1500)); // time for a wrong request to reach a log
    const fim = (await fake.requests()).concat(await attacker.requests()).filter((r) => r.route.endsWith('completions') && r.route !== '/chat/completions');
    assert.deepEqual(fim, [], 'no completion request left the machine');
    assert.equal(api.completionRequests(), 0);
    assert.equal(api.completionStatus().state, 'off');
    assert.match(api.completionStatus().accessibilityLabel, /not trusted/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
