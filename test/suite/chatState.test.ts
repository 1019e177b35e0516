import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

type Body = { model: string; messages: { role: string; content: string }[] };

/**
 * The chat's state is always the truth: a turn lands in the conversation it began in, a second question while
 * one streams is refused (never sent), Stop resolves once the stream has settled, and commands run in
 * conversations of their own.
 */
describe('chat sessions: one conversation, one answer at a time, nothing mixed or lost', function () {
  const fake = fakeServer();

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-chat-state-tests-0001');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  beforeEach(async () => {
    await fake.reset();
    await (await activateExtension()).newChat();
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  /** Waits until the shown conversation's last turn has streamed some of its answer. */
  async function streaming(): Promise<void> {
    const api = await activateExtension();
    await waitFor('an answer streaming', async () => {
      const turn = (await api.chatState()).turns.at(-1);
      return turn?.status === 'streaming' && turn.answer.length > 0 ? true : undefined;
    });
  }

  it('New Chat while an answer streams: the answer lands in its own conversation, and the new chat carries none of it', async () => {
    const api = await activateExtension();
    const long = 'alpha '.repeat(120);
    await fake.configure({ chunkDelayMs: 15, chunkChars: 6, replies: [{ content: long }, { content: 'Fresh answer.' }] });
    const first = api.askInChat('Old question about alpha');
    await streaming();
    const oldId = (await api.chatState()).conversationId;
    await api.newChat();
    const fresh = await api.askInChat('New question');
    assert.equal(fresh?.answer, 'Fresh answer.');
    const oldTurn = await first;
    assert.equal(oldTurn?.status, 'done');
    assert.equal(oldTurn?.answer, long, 'the old answer arrived whole');

    const state = await api.chatState();
    assert.notEqual(state.conversationId, oldId);
    assert.deepEqual(state.turns.map((t) => [t.question, t.answer]), [['New question', 'Fresh answer.']], 'the new chat holds only its own turn');
    const sent = (await chats()).at(-1)!.body as Body;
    assert.doesNotMatch(JSON.stringify(sent.messages), /Old question|alpha alpha/, 'nothing of the old chat went out with the new question');

    const old = state.conversations.find((c) => c.id === oldId);
    assert.equal(old?.turns, 1, 'the old conversation kept exactly its own turn');
  });

  it('a second question while one streams is refused with a reason, and only one request goes out', async () => {
    const api = await activateExtension();
    await fake.configure({ chunkDelayMs: 10, chunkChars: 5, replies: [{ content: 'one '.repeat(60) }, { content: 'Second answer.' }] });
    const since = Date.now();
    const first = api.askInChat('First question');
    const second = await api.askInChat('Second question');
    assert.equal(second, undefined, 'the second question was not sent');
    await waitForNotice(api, /still answering in this chat/, since);
    await first;
    assert.equal((await chats()).length, 1, 'one request went out');
    const state = await api.chatState();
    assert.deepEqual(state.turns.map((t) => t.question), ['First question'], 'the view shows one turn');

    // The prompt history kept the first turn: the next question carries exactly it.
    await api.askInChat('Third question');
    const sent = ((await chats()).at(-1)!.body as Body).messages;
    assert.equal(sent.filter((m) => m.role === 'user').length, 2);
    assert.equal(sent.filter((m) => m.role === 'assistant').length, 1);
    assert.match(sent[1].content, /First question/);
    assert.doesNotMatch(JSON.stringify(sent), /Second question/);
  });

  it('Stop resolves once the stream has settled: the partial answer is kept and saved', async () => {
    const api = await activateExtension();
    const text = 'word '.repeat(400);
    await fake.configure({ chunkDelayMs: 20, chunkChars: 5, replies: [{ content: text }] });
    const pending = api.askInChat('Write a lot');
    await streaming();
    await api.stopChat();
    const turn = (await api.chatState()).turns.at(-1)!;
    assert.equal(turn.status, 'stopped', 'settled by the time stop() resolved');
    assert.ok(turn.answer.length > 0 && turn.answer.length < text.length, `kept a partial answer (${turn.answer.length} chars)`);
    assert.equal((await pending)?.answer, turn.answer);
    await waitFor('the fake to log the abort', async () => ((await chats()).at(-1)?.outcome === 'aborted' ? true : undefined));
  });

  it('Explain runs in a conversation of its own, titled after its target, without the chat history', async () => {
    const api = await activateExtension();
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Chat answer.' }, { reasoning: 'Reading.', content: 'It averages.' }, { content: 'Follow-up answer.' }] });
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(6, 4, 6, 4);
    await api.askInChat('A chat question first');
    const chatId = (await api.chatState()).conversationId;
    const chatSystem = ((await chats()).at(-1)!.body as Body).messages[0].content;

    await vscode.commands.executeCommand(CommandIds.explainSelection);
    const sent = ((await chats()).at(-1)!.body as Body).messages;
    assert.deepEqual(sent.map((m) => m.role), ['system', 'user'], 'a one-shot request: no chat history');
    assert.doesNotMatch(JSON.stringify(sent), /A chat question first|Chat answer/);
    assert.equal(sent[0].content, chatSystem, 'built on the same frozen prefix, so it hits the cache');
    assert.ok(((await chats()).at(-1)!.cache?.hit ?? 0) > 0, 'the fake saw a cache hit on the shared prefix');

    const state = await api.chatState();
    assert.notEqual(state.conversationId, chatId, 'the view shows the command\'s conversation');
    const title = 'Explain `mean` · src/math.ts:5–10';
    assert.deepEqual(state.turns.map((t) => t.question), [title], 'the user\'s turn is a short label, not the instruction');
    assert.equal(state.turns[0].answer, 'It averages.');
    assert.equal(state.conversations.find((c) => c.id === state.conversationId)?.title, title);
    assert.equal(state.conversations.find((c) => c.id === chatId)?.turns, 1, 'the chat kept its one turn');

    // Continuable as a chat: the follow-up sends the instruction (not the label) and the answer as history.
    await api.askInChat('And for an empty list?');
    const follow = ((await chats()).at(-1)!.body as Body).messages;
    assert.deepEqual(follow.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.match(follow[1].content, /Explain the selected code \(src\/math\.ts:5-10\)/);
    assert.equal(follow[2].content, 'It averages.');
  });
});
