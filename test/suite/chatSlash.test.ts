import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import { CommandIds } from '../../src/core/commandIds';
import type { HostMessage } from '../../src/webview/protocol';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, discardAndCloseAllEditors, fakeServer, waitFor } from './helpers';

type Body = { messages: { role: string; content: string }[] };

describe('chat: slash commands and code-block actions', function () {
  const fake = fakeServer();
  let api: DeepSeekAssistantTestApi;
  let doc: vscode.TextDocument;
  let mathUri: vscode.Uri;
  /** math.ts as the fixture has it: edits are auto-saved in VS Code for the web, so it is written back after. */
  let onDisk: Uint8Array;
  let editor: vscode.TextEditor;
  const original = [
    'export function add(a: number, b: number): number {',
    '  return a + b;',
    '}',
    '',
    'export function mean(values: number[]): number {',
    '  if (values.length === 0) {',
    "    throw new Error('mean of an empty list');",
    '  }',
    '  return values.reduce(add, 0) / values.length;',
    '}',
    '',
  ].join('\n');

  before(async () => {
    api = await activateExtension();
    mathUri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'math.ts');
    onDisk = await vscode.workspace.fs.readFile(mathUri);
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-slash-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    doc = await vscode.workspace.openTextDocument(mathUri);
    editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand(CommandIds.discardProposal);
  });

  after(async () => {
    await discardAndCloseAllEditors();
    await vscode.workspace.fs.writeFile(mathUri, onDisk);
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  const lastInstruction = async () => ((await chats()).at(-1)?.body as Body).messages.at(-1)!.content;
  const reviewTab = (label: string) => waitFor(`the diff "${label}"`, () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes(label)));

  /** The proposed text shown on the right of a review diff. */
  async function proposedText(tab: vscode.Tab): Promise<string> {
    assert.ok(tab.input instanceof vscode.TabInputTextDiff, 'a diff');
    return (await vscode.workspace.openTextDocument(tab.input.modified)).getText();
  }

  it('/refactor make it pure: the goal goes into the instruction and the answer opens as a diff to review', async () => {
    editor.selection = new vscode.Selection(4, 0, 10, 0); // whole lines 5–10, ending at column 1 of line 11
    await fake.configure({ replies: [{ reasoning: 'Pure already, but make it total.', content: '```ts\nexport function mean(values: number[]): number {\n  return values.length === 0 ? 0 : values.reduce(add, 0) / values.length;\n}\n```' }] });
    const pending = api.sendFromChatView({ type: 'slashCommand', name: 'refactor', text: 'make it pure' });
    const tab = await reviewTab('DeepSeek: Refactor (review)');
    const instruction = await lastInstruction();
    assert.match(instruction, /Refactor the selected code \(src\/math\.ts:5-10\)\. Goal: make it pure/);
    assert.match(await proposedText(tab), /return values\.length === 0 \? 0 :/);
    assert.equal(doc.getText(), original, 'nothing written before Apply');
    const state = await api.chatState();
    assert.deepEqual(state.turns.map((t) => t.question), ['Refactor src/math.ts:5–10 — make it pure'], 'the label names lines 5–10, not 5–11');
    await vscode.commands.executeCommand(CommandIds.discardProposal);
    const posted = await pending;
    assert.equal(posted.filter((m) => m.type === 'askRefused').length, 0);
    assert.equal(doc.getText(), original);
  });

  it('/tests asks for unit tests of the function at the cursor and answers in the chat, without a diff', async () => {
    editor.selection = new vscode.Selection(6, 8, 6, 8);
    await fake.configure({ replies: [{ content: 'src/math.test.ts:\n\n```ts\nimport { mean } from "./math";\n```' }] });
    await api.sendFromChatView({ type: 'slashCommand', name: 'tests', text: 'cover the empty list' });
    const instruction = await lastInstruction();
    assert.match(instruction, /Write unit tests for the selected code \(src\/math\.ts:5-10\) in TypeScript/);
    assert.match(instruction, /Also: cover the empty list/);
    assert.match(instruction, /values\.reduce\(add, 0\)/, 'the code goes along');
    const state = await api.chatState();
    assert.deepEqual(state.turns.map((t) => t.question), ['Tests for `mean` · src/math.ts:5–10 — cover the empty list']);
    assert.equal(state.turns[0].status, 'done');
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label.includes('(review)')), false, 'no diff');
  });

  it('/explain with no editor open is refused with the reason, and the typed text comes back', async () => {
    await discardAndCloseAllEditors();
    const posted = await api.sendFromChatView({ type: 'slashCommand', name: 'explain', text: 'why reduce?' });
    const refused = posted.find((m): m is Extract<HostMessage, { type: 'askRefused' }> => m.type === 'askRefused');
    assert.ok(refused, JSON.stringify(posted));
    assert.equal(refused.reason, 'Open a file and select the code to explain. Nothing was sent.');
    assert.equal(refused.text, '/explain why reduce?');
    assert.equal((await chats()).length, 0, 'nothing was sent');
  });

  it('/new hi starts a new conversation and asks "hi" in it', async () => {
    await fake.configure({ replies: [{ content: 'Before.' }, { content: 'Hello!' }] });
    await api.askInChat('A question before');
    const before = (await api.chatState()).conversationId;
    await api.sendFromChatView({ type: 'slashCommand', name: 'new', text: 'hi' });
    const state = await api.chatState();
    assert.notEqual(state.conversationId, before, 'a new conversation is shown');
    assert.deepEqual(state.turns.map((t) => t.question), ['hi']);
    const sent = ((await chats()).at(-1)?.body as Body).messages;
    assert.doesNotMatch(JSON.stringify(sent), /A question before/, 'the new chat carries no history');
  });

  it('Apply to File with nothing selected replaces only the function the code block defines', async () => {
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    const snippet = 'export function mean(values: readonly number[]): number {\n  return values.length === 0 ? 0 : values.reduce(add, 0) / values.length;\n}';
    const expected = original.replace(/export function mean[\s\S]*?\n}\n/, `${snippet}\n`);
    assert.notEqual(expected, original);
    const pending = api.sendFromChatView({ type: 'codeAction', action: 'apply', code: snippet, language: 'ts', requestId: 41 });
    const tab = await reviewTab('DeepSeek: Apply code block (review)');
    assert.equal(await proposedText(tab), expected, 'add() is untouched; only mean() changes');
    await vscode.commands.executeCommand(CommandIds.applyProposal);
    const posted = await pending;
    assert.deepEqual(posted.filter((m) => m.type === 'actionResult'), [{ type: 'actionResult', requestId: 41, ok: true }]);
    assert.equal(doc.getText(), expected);
  });

  it('Apply to File says why it cannot: no editor, or no place for the code', async () => {
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const unplaced = await api.sendFromChatView({ type: 'codeAction', action: 'apply', code: "console.log('where?');", language: 'ts', requestId: 42 });
    assert.deepEqual(unplaced.filter((m) => m.type === 'actionResult'), [
      { type: 'actionResult', requestId: 42, ok: false, message: 'Could not tell where this code belongs in math.ts — select the code it replaces and press Apply again.' },
    ]);
    assert.equal(doc.getText(), original, 'nothing changed');
    const copied = await api.sendFromChatView({ type: 'codeAction', action: 'copy', code: 'x', language: 'ts', requestId: 43 });
    assert.deepEqual(copied.filter((m) => m.type === 'actionResult'), [{ type: 'actionResult', requestId: 43, ok: true }]);
    await discardAndCloseAllEditors();
    for (const action of ['insert', 'apply'] as const) {
      const posted = await api.sendFromChatView({ type: 'codeAction', action, code: 'x', language: 'ts', requestId: 44 });
      assert.deepEqual(posted.filter((m) => m.type === 'actionResult'), [{ type: 'actionResult', requestId: 44, ok: false, message: 'Open a file in an editor first.' }], action);
    }
  });
});
