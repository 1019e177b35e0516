import * as assert from 'assert/strict';
import type { Frame } from 'playwright-core';
import type { LoggedRequest } from '../fake-deepseek/types';
import { chatView, Workbench } from './workbench';

/** A reply whose every word is numbered, so a dropped, doubled or reordered piece shows. */
function numbered(count: number): string {
  return Array.from({ length: count }, (_, i) => `w${String(i + 1).padStart(3, '0')}`).join(' ');
}

describe('UI: the chat view always shows the truth (hide/show, quick sends, New Chat while streaming)', function () {
  let wb: Workbench;
  let chat: Frame;

  before(async () => {
    // In a light theme: the other chat suite runs in a dark one, so the screenshots show both.
    wb = await Workbench.openWithKey('ui-chat-state', 'sk-ui-chat-state-0001', { 'workbench.colorTheme': 'Default Light Modern' });
    chat = await wb.openChat();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  const { box, lastTurn, ask } = chatView(() => chat);
  const chatRequests = (): LoggedRequest[] => wb.env.fake.requests.filter((r) => r.route === '/chat/completions');
  /** Until the fake has finished (or dropped) every chat request it received. */
  async function requestsSettled(): Promise<void> {
    for (;;) {
      if (chatRequests().every((r) => r.outcome !== undefined)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('an answer streaming while the view is hidden comes back whole when it is shown again', async () => {
    const reply = numbered(240);
    wb.env.fake.configure({ chunkDelayMs: 25, chunkChars: 5, replies: [{ content: reply }] });
    await ask('Count for me');
    const answer = () => lastTurn().getByRole('region', { name: 'Answer' });
    await answer().getByText(/w010/).waitFor();
    await wb.runCommand('View: Show Explorer'); // the DeepSeek view is hidden; its page is discarded
    await wb.page.locator('.sidebar .title-label', { hasText: /Explorer/i }).first().waitFor();
    await new Promise((r) => setTimeout(r, 600)); // let the stream move on while nobody watches
    await wb.runCommand('DeepSeek: Open Chat');
    chat = await wb.webviewFrame('article.turn');
    const midway = (await answer().innerText()).trim();
    assert.ok(reply.startsWith(midway), `what the re-shown view holds is a prefix of the answer: "${midway.slice(0, 80)}…"`);
    await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    assert.equal((await answer().innerText()).trim(), reply, 'the whole answer, nothing garbled');
    await wb.screenshot('chat-state-01-hidden-and-shown');
  });

  it('a question sent while one streams stays in the box with the reason, and is sent only when the user says so', async () => {
    wb.env.fake.configure({ chunkDelayMs: 20, chunkChars: 5, replies: [{ content: numbered(120) }, { content: 'Second answer.' }] });
    const before = chatRequests().length;
    await ask('First question');
    await ask('Second question');
    const hint = chat.getByRole('status').filter({ hasText: /still answering/ });
    await hint.waitFor();
    assert.equal(await box().inputValue(), 'Second question', 'the second question is kept in the box');
    await wb.screenshot('chat-state-02-second-question-waits');
    await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    assert.equal(chatRequests().length - before, 1, 'only the first question went out');
    assert.equal(await chat.locator('.question-text', { hasText: 'Second question' }).count(), 0);
    await box().press('Enter');
    await lastTurn().getByRole('region', { name: 'Answer' }).getByText('Second answer.').waitFor();
    assert.equal(chatRequests().length - before, 2);
    const history = (chatRequests().at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    const users = history.filter((m) => m.role === 'user').map((m) => m.content);
    assert.equal(users.filter((u) => u.includes('First question')).length, 1, 'the first turn is in the prompt history, once');
    assert.match(users.at(-1)!, /Second question/);
    assert.deepEqual(history.slice(-3).map((m) => m.role), ['user', 'assistant', 'user'], 'the first turn, its answer, then the second: nothing doubled');
  });

  it('New Chat while an answer streams: the new chat stays empty, the answer lands in the conversation it began in', async () => {
    const reply = numbered(150);
    wb.env.fake.configure({ chunkDelayMs: 20, chunkChars: 5, replies: [{ content: reply }] });
    await wb.viewTitleAction('New Chat').click();
    await chat.locator('article.turn').first().waitFor({ state: 'detached' });
    await ask('A long one, then I change my mind');
    await lastTurn().getByRole('region', { name: 'Answer' }).getByText(/w005/).waitFor();
    await wb.viewTitleAction('New Chat').click();
    await chat.locator('article.turn').first().waitFor({ state: 'detached' });
    await requestsSettled();
    assert.equal(await chat.locator('article.turn').count(), 0, 'nothing of the old answer leaked into the new chat');
    await chat.getByRole('button', { name: 'History' }).click();
    await chat.getByRole('button', { name: /^A long one, then I change my mind/ }).click();
    const turn = chat.locator('article.turn', { has: chat.locator('.question-text', { hasText: 'A long one, then I change my mind' }) });
    await turn.locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    assert.equal((await turn.getByRole('region', { name: 'Answer' }).innerText()).trim(), reply);
    await wb.screenshot('chat-state-03-new-chat-while-streaming');
  });
});
