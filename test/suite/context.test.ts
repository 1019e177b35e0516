import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { activateExtension, discardAndCloseAllEditors, fakeServer, waitFor } from './helpers';

interface SentBody {
  messages: { role: string; content: string }[];
}

describe('context engine, redaction and Show Last Request (through the chat pipeline)', () => {
  const fake = fakeServer();
  const root = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-context-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    // Each case starts from the files on disk, whatever an earlier suite left open or edited.
    await discardAndCloseAllEditors();
    const api = await activateExtension();
    await api.newChat();
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function lastBody(): Promise<SentBody> {
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.ok(chats.length > 0, 'a chat request was sent');
    return chats.at(-1)!.body as SentBody;
  }

  it('sends the current file, the selection and a repo map from tree-sitter', async () => {
    const api = await activateExtension();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'src', 'math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(5, 0, 9, 1);
    const turn = await api.askInChat('What does this do?');
    assert.equal(turn?.status, 'done');
    const body = await lastBody();
    const all = body.messages.map((m) => m.content).join('\n');
    const sent = `context: ${turn.context.join(' | ')}\nlast message:\n${body.messages.at(-1)!.content.slice(0, 2000)}`;
    assert.equal(body.messages[0].role, 'system');
    assert.match(body.messages[0].content, /export function mean\(values: number\[\]\): number/, 'the repo map lists declarations');
    assert.match(body.messages.at(-1)!.content, /src\/math\.ts/);
    assert.match(all, /values\.reduce\(add, 0\)/, `the selection went along\n${sent}`);
    assert.ok(turn.context.some((c) => c.startsWith('selection src/math.ts:6-10')), turn.context.join());
  });

  it('never reads .env, even when it is the open editor', async () => {
    const api = await activateExtension();
    const env = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), '.env'));
    await vscode.window.showTextDocument(env);
    await api.askInChat('Anything odd here?');
    const raw = JSON.stringify(await lastBody());
    assert.doesNotMatch(raw, /correct-horse-battery-staple/);
    assert.doesNotMatch(raw, /DATABASE_PASSWORD/);
  });

  it('redacts secrets before sending, restores them in the answer, and Show Last Request lists them', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const question = 'Mail jane.doe@example.org the key AKIAZ7QX4PLM2WERT6YU';
    const turn = await api.askInChat(question);
    const raw = JSON.stringify(await lastBody());
    assert.doesNotMatch(raw, /jane\.doe@example\.org/);
    assert.doesNotMatch(raw, /AKIAZ7QX4PLM2WERT6YU/);
    assert.match(raw, /⟦EMAIL_[0-9a-f]{8}⟧/);
    assert.match(turn?.answer ?? '', /jane\.doe@example\.org/, 'the echoed placeholder is restored locally');
    assert.doesNotMatch(turn?.answer ?? '', /⟦EMAIL_/);

    await vscode.commands.executeCommand(CommandIds.showLastRequest);
    const doc = await waitFor('the last-request document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-request'));
    const text = doc.getText();
    assert.match(text, /## Redactions[\s\S]*\| EMAIL \| 1 \|/);
    assert.match(text, /\| AWS_KEY \| 1 \|/);
    assert.doesNotMatch(text, /jane\.doe@example\.org|AKIAZ7QX4PLM2WERT6YU/);
    assert.match(text, /## Messages \(\d+\), exactly as sent/);
  });

  it('gives the same workspace state the same bytes: a new chat repeats the system prefix exactly', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.askInChat('first');
    const first = (await lastBody()).messages[0].content;
    await api.newChat();
    await api.askInChat('second');
    const second = await lastBody();
    assert.equal(second.messages[0].content, first);
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.ok((chats.at(-1)!.cache?.hit ?? 0) > 0, 'the fake server saw a cache hit on the shared prefix');
  });
});
