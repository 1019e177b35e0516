import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import { CommandIds } from '../../src/core/commandIds';
import type { HostMessage } from '../../src/webview/protocol';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor } from './helpers';

type Body = { model: string; messages: { role: string; content: string }[] };

/**
 * The chat's answer and history actions, driven with the messages its page sends: Regenerate and Edit and
 * Resend replace the last turn and resend exactly the earlier request's prefix (DeepSeek's cache keeps
 * hitting), Copy puts the stored answer on the clipboard, and the history renames, searches and deletes.
 */
describe('chat actions: regenerate, edit and resend, copy answer, history', function () {
  const fake = fakeServer();
  let api: DeepSeekAssistantTestApi;

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-chat-actions-tests-0001');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  beforeEach(async () => {
    await fake.reset();
    await api.newChat();
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }
  const lastMessages = async () => ((await chats()).at(-1)!.body as Body).messages;
  const send = (message: unknown) => api.sendFromChatView(message);
  const refusals = (posted: readonly HostMessage[]) => posted.filter((m) => m.type === 'askRefused');

  it('Regenerate resends the last question with byte-identical messages and replaces the last turn', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'First answer.' }, { content: 'Second answer.' }, { content: 'Second answer, again.' }] });
    await api.askInChat('First question');
    await api.askInChat('Second question');
    const original = await lastMessages();
    const before = await api.chatState();
    const last = before.turns[1];

    const posted = await send({ type: 'regenerate', turnId: last.id });
    assert.deepEqual(refusals(posted), []);
    assert.equal((await chats()).length, 3, 'one more request');
    const again = await lastMessages();
    assert.deepEqual(again, original, 'the regenerated request is the earlier one, byte for byte');
    assert.ok(((await chats()).at(-1)!.cache?.hit ?? 0) > 0, 'and the fake\'s prefix cache hit');

    const after = await api.chatState();
    assert.equal(after.conversationId, before.conversationId);
    assert.deepEqual(after.turns.map((t) => [t.question, t.answer, t.status]), [
      ['First question', 'First answer.', 'done'],
      ['Second question', 'Second answer, again.', 'done'],
    ]);
    assert.notEqual(after.turns[1].id, last.id, 'a new turn in its place');
    assert.ok(posted.some((m) => m.type === 'state' && !m.state.turns.some((t) => t.id === last.id)), 'the view was sent the state without the old turn');

    // The history holds the new answer only: the next question repeats it, not the one replaced.
    await fake.configure({ replies: [{ content: 'Third answer.' }] });
    await api.askInChat('Third question');
    const next = await lastMessages();
    assert.deepEqual(next.slice(0, again.length), again);
    assert.equal(next[again.length].content, 'Second answer, again.');
    assert.doesNotMatch(JSON.stringify(next), /"Second answer\."/);
  });

  it('Edit and Resend sends the earlier request with only its last user message changed', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'One.' }, { content: 'Two.' }, { content: 'Two, edited.' }] });
    await api.askInChat('Question one');
    await api.askInChat('Question two about alpha');
    const original = await lastMessages();
    const last = (await api.chatState()).turns[1];

    const posted = await send({ type: 'editLast', turnId: last.id, text: 'Question two about beta', model: 'chat' });
    assert.deepEqual(refusals(posted), []);
    const edited = await lastMessages();
    assert.equal(edited.length, original.length);
    assert.deepEqual(edited.slice(0, -1), original.slice(0, -1), 'everything before the last user message is byte-identical');
    assert.match(edited.at(-1)!.content, /Question two about beta/);
    assert.doesNotMatch(edited.at(-1)!.content, /alpha/);

    const state = await api.chatState();
    assert.deepEqual(state.turns.map((t) => [t.question, t.answer]), [['Question one', 'One.'], ['Question two about beta', 'Two, edited.']]);
  });

  it('Edit and Resend of a first question retitles the chat; a renamed title stays', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'A.' }, { content: 'B.' }, { content: 'C.' }] });
    await api.askInChat('How do I parse dates');
    let state = await api.chatState();
    await send({ type: 'editLast', turnId: state.turns[0].id, text: 'How do I format dates', model: 'chat' });
    state = await api.chatState();
    assert.equal(state.conversations.find((c) => c.id === state.conversationId)?.title, 'How do I format dates');
    await send({ type: 'renameConversation', id: state.conversationId, title: 'Dates' });
    await send({ type: 'regenerate', turnId: state.turns[0].id });
    state = await api.chatState();
    assert.equal(state.conversations.find((c) => c.id === state.conversationId)?.title, 'Dates', 'the session kept the rename');
    assert.equal(state.turns.at(-1)?.answer, 'C.');
  });

  it('only the last turn, and never while it streams: refused with a reason, nothing sent', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Old one.' }, { content: 'Old two.' }] });
    await api.askInChat('One');
    await api.askInChat('Two');
    const [first] = (await api.chatState()).turns;
    const notLast = await send({ type: 'regenerate', turnId: first.id });
    assert.match((refusals(notLast)[0] as { reason: string } | undefined)?.reason ?? '', /Only the last question/);
    assert.equal((await chats()).length, 2, 'nothing was sent');

    await fake.configure({ chunkDelayMs: 15, chunkChars: 5, replies: [{ content: 'long '.repeat(200) }] });
    const streaming = api.askInChat('Three');
    const turn = await waitFor('the answer to stream', async () => {
      const t = (await api.chatState()).turns.at(-1);
      return t?.status === 'streaming' && t.answer.length > 0 ? t : undefined;
    });
    const busy = await send({ type: 'editLast', turnId: turn.id, text: 'Three, edited', model: 'chat' });
    const refusal = refusals(busy)[0] as { reason: string; text?: string } | undefined;
    assert.match(refusal?.reason ?? '', /still answering/);
    assert.equal(refusal?.text, 'Three, edited', 'the edited text is handed back');
    assert.match((refusals(await send({ type: 'regenerate', turnId: turn.id }))[0] as { reason: string } | undefined)?.reason ?? '', /still answering/);
    await api.stopChat();
    await streaming;
    assert.equal((await chats()).length, 3, 'only the streaming request went out');
    assert.deepEqual((await api.chatState()).turns.map((t) => t.question), ['One', 'Two', 'Three']);
  });

  it('Regenerate of an answer that was never committed (empty) takes back nothing before it', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Kept answer.' }, { content: '' }, { content: 'Now an answer.' }] });
    await api.askInChat('Kept question');
    const kept = await lastMessages();
    await api.askInChat('Empty reply');
    const empty = (await api.chatState()).turns.at(-1)!;
    assert.equal(empty.answer, '');
    const emptyRequest = await lastMessages();
    await send({ type: 'regenerate', turnId: empty.id });
    const again = await lastMessages();
    assert.deepEqual(again, emptyRequest, 'the same request again');
    assert.deepEqual(again.slice(0, kept.length), kept, 'the kept exchange is still sent');
    assert.equal(again[kept.length].content, 'Kept answer.');
    assert.deepEqual((await api.chatState()).turns.map((t) => [t.question, t.answer]), [['Kept question', 'Kept answer.'], ['Empty reply', 'Now an answer.']]);
  });

  it('Copy puts the whole stored answer on the clipboard; an unknown turn says why', async () => {
    const answer = 'Use this:\n\n```ts\nconst x = 1;\n```\n\nAnd *that*.';
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: answer }] });
    const turn = await api.askInChat('Show me');
    const posted = await send({ type: 'copyAnswer', turnId: turn!.id, requestId: 7 });
    assert.deepEqual(posted.filter((m) => m.type === 'actionResult'), [{ type: 'actionResult', requestId: 7, ok: true }]);
    assert.equal(await vscode.env.clipboard.readText(), answer);

    const unknown = await send({ type: 'copyAnswer', turnId: 't-unknown', requestId: 8 });
    const result = unknown.find((m) => m.type === 'actionResult') as { ok: boolean; message?: string; requestId: number } | undefined;
    assert.equal(result?.requestId, 8);
    assert.equal(result?.ok, false);
    assert.match(result?.message ?? '', /no longer in this chat/);
  });

  it('history: rename and search; deleting stops a streaming chat and shows the next most recent', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Sort with a comparator.' }, { content: 'Regex answer.' }] });
    await api.askInChat('How do I sort numbers?');
    const sortingId = (await api.chatState()).conversationId;
    await api.newChat();
    await api.askInChat('Match e-mail addresses');
    const regexId = (await api.chatState()).conversationId;

    await send({ type: 'renameConversation', id: regexId, title: '  Regex   notes  ' });
    let state = await api.chatState();
    assert.equal(state.conversations.find((c) => c.id === regexId)?.title, 'Regex notes');

    const search = async (query: string, requestId: number) => {
      const posted = await send({ type: 'searchHistory', requestId, query });
      return posted.find((m) => m.type === 'historyResults') as { requestId: number; ids: readonly string[] } | undefined;
    };
    assert.deepEqual(await search('COMPARATOR', 1), { type: 'historyResults', requestId: 1, ids: [sortingId] }, 'an answer, case-insensitive');
    assert.deepEqual((await search('regex notes', 2))?.ids, [regexId], 'a renamed title');
    assert.deepEqual((await search('', 3))?.ids.slice(0, 2), [regexId, sortingId], 'all, newest first');

    // A third chat, streaming while the view shows it; deleting it stops it first.
    await api.newChat();
    await fake.configure({ chunkDelayMs: 20, chunkChars: 5, replies: [{ content: 'slow '.repeat(300) }] });
    const pending = api.askInChat('A long one');
    await waitFor('the answer to stream', async () => ((await api.chatState()).turns.at(-1)?.answer.length ?? 0) > 0 || undefined);
    const streamingId = (await api.chatState()).conversationId;
    await send({ type: 'deleteConversation', id: streamingId });
    assert.equal((await pending)?.status, 'stopped', 'stopped before it was deleted');
    await waitFor('the fake to log the abort', async () => ((await chats()).at(-1)?.outcome === 'aborted' ? true : undefined));
    state = await api.chatState();
    assert.equal(state.conversationId, regexId, 'the next most recent is shown');
    assert.ok(!state.conversations.some((c) => c.id === streamingId), 'gone from the history');
    assert.equal((await search('long one', 4))?.ids.length, 0);

    // Deleting one not shown leaves the view where it is.
    await send({ type: 'deleteConversation', id: sortingId });
    state = await api.chatState();
    assert.equal(state.conversationId, regexId);
    assert.ok(!state.conversations.some((c) => c.id === sortingId));
  });

  it('lets go of the sessions of conversations neither shown nor answering', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'a' }, { content: 'b' }, { content: 'c' }, { content: 'd' }] });
    for (const q of ['one', 'two', 'three', 'four']) {
      await api.newChat();
      await api.askInChat(q);
    }
    assert.equal(api.chatSessionCount(), 1, 'only the shown conversation\'s session is held');

    // One still answering keeps its session until it has settled.
    await fake.configure({ chunkDelayMs: 20, chunkChars: 5, replies: [{ content: 'slow '.repeat(100) }, { content: 'e' }] });
    await api.newChat();
    const pending = api.askInChat('five');
    await waitFor('the answer to stream', async () => ((await api.chatState()).turns.at(-1)?.answer.length ?? 0) > 0 || undefined);
    await api.newChat();
    await api.chatState();
    assert.equal(api.chatSessionCount(), 2, 'the answering one and the shown one');
    assert.equal((await pending)?.status, 'done');
    assert.equal(api.chatSessionCount(), 1);
    const answered = (await api.chatState()).conversations.find((c) => c.turns === 1 && c.title === 'five');
    assert.ok(answered, 'the finished answer was kept in its conversation');
  });
});
