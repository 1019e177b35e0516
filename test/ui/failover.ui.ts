import * as assert from 'assert/strict';
import type { Frame } from 'playwright-core';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import type { LoggedRequest } from '../fake-deepseek/types';
import { chatView, Workbench } from './workbench';

/** The fallback's key reaches the extension host through the VS Code server's environment (apiKeyEnv). */
const BACKUP_KEY_ENV = 'DEEPSEEK_UI_BACKUP_KEY';
const BACKUP_KEY = 'sk-ui-backup-provider-0001';
const DEEPSEEK_KEY = 'sk-ui-failover-tests-0001';

/**
 * Failover in the chat: DeepSeek (the harness's fake) breaks mid-answer or refuses, and a second fake on its own
 * port plays the user's fallback provider "Backup". What DeepSeek streamed stays visible as an interrupted
 * segment, the notice names who answered, and the footer names Backup (unpriced: it has no price table).
 */
describe('UI: chat fails over to a fallback provider (real VS Code in Chromium)', function () {
  const backup = new FakeDeepSeekServer({ models: ['backup-chat', 'backup-reasoner'], aliases: {}, fimModels: [] });
  let wb: Workbench;
  let chat: Frame;

  before(async () => {
    const backupUrl = await backup.start();
    // The VS Code server takes this process's environment, so the key must be set before it starts.
    process.env[BACKUP_KEY_ENV] = BACKUP_KEY;
    try {
      wb = await Workbench.openWithKey('ui-failover', DEEPSEEK_KEY, {
        'deepseek.fallbackProviders': [
          { name: 'Backup', baseUrl: backupUrl, apiKeyEnv: BACKUP_KEY_ENV, models: { chat: 'backup-chat', reasoner: 'backup-reasoner' } },
        ],
      });
    } finally {
      delete process.env[BACKUP_KEY_ENV];
    }
    await wb.openFile('src/math.ts');
    chat = await wb.openChat();
    await chatView(() => chat).pickModel('chat');
  });

  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
    await backup.stop();
  });

  const { lastTurn, ask, pickModel } = chatView(() => chat);
  const answerOf = () => lastTurn().getByRole('region', { name: 'Answer', exact: true });
  const chatCalls = (requests: readonly LoggedRequest[]) => requests.filter((r) => r.route === '/chat/completions');

  it('DeepSeek drops mid-answer: its partial answer stays as it arrived, Backup answers, the footer names Backup', async () => {
    const primaryReply = 'Primary partial answer: mean() adds every value up and then divides by the count, which';
    // Chunk 0 carries only the role; chunks 1–6 carry 5 characters each, then the connection is destroyed. Once:
    // a broken stream fails over at once (src/core/providers/failoverPolicy.ts), it is never retried on DeepSeek.
    wb.env.fake.configure({ chunkDelayMs: 30, chunkChars: 5, replies: [{ content: primaryReply }] });
    wb.env.fake.injectFault({ kind: 'drop', afterChunks: 7, path: '/chat/completions' });
    backup.configure({ chunkDelayMs: 20, chunkChars: 6, replies: [{ content: 'Backup answer: mean() returns the **average** of the list.' }] });
    const backupBefore = chatCalls(backup.requests).length;

    await ask('What does mean() do?');

    const interrupted = lastTurn().getByRole('region', { name: 'Interrupted: DeepSeek', exact: true });
    await interrupted.waitFor();
    assert.match(await interrupted.innerText(), /Interrupted — DeepSeek, kept as it arrived/);
    assert.equal(await interrupted.getAttribute('aria-live'), 'off', 'the kept text is not announced again');
    const details = interrupted.locator('details');
    assert.equal(await details.evaluate((d) => (d as unknown as { open: boolean }).open), false, 'collapsed at first');
    assert.match(await details.locator('summary').innerText(), /^What arrived — answer: \d+ characters?, 1 line$/);
    await details.locator('summary').click();
    const kept = await interrupted.locator('.interrupted-answer').innerText();
    assert.ok(kept.length >= 10 && primaryReply.startsWith(kept) && kept.length < primaryReply.length, `kept DeepSeek's partial answer as it arrived: ${JSON.stringify(kept)}`);

    await lastTurn().locator('.turn-notice', { hasText: 'DeepSeek stopped mid-answer — answered by Backup' }).waitFor();
    await answerOf().locator('strong', { hasText: 'average' }).waitFor();
    const answer = await answerOf().innerText();
    assert.match(answer, /^Backup answer: mean\(\) returns the average of the list\.\s*$/, 'the answer is Backup\'s, restarted from empty');
    assert.doesNotMatch(answer, /Primary partial/, 'DeepSeek\'s partial text is not mixed into the answer');
    await lastTurn().locator('.turn-footer', { hasText: /^Backup · backup-chat · .* cached \/ .* uncached \/ .* output tokens · unpriced/ }).waitFor();
    assert.doesNotMatch(await lastTurn().locator('.turn-footer').innerText(), /\$/, 'no price table: unpriced, never $0');

    assert.equal(chatCalls(wb.env.fake.requests).at(-1)?.outcome, 'fault:drop');
    const sent = chatCalls(backup.requests).slice(backupBefore);
    assert.equal(sent.length, 1, 'Backup was asked once');
    assert.equal((sent[0].body as { model: string }).model, 'backup-chat');
    assert.equal(sent[0].headers.authorization, `Bearer ${BACKUP_KEY}`, 'Backup gets its own key, never DeepSeek\'s');
    const messages = (sent[0].body as { messages: { role: string; content: string }[] }).messages;
    assert.match(messages.at(-1)!.content, /What does mean\(\) do\?/);
    assert.doesNotMatch(JSON.stringify(messages), /Primary partial/, 'the interrupted text is not sent to Backup');
    await wb.screenshot('failover-01-mid-answer');
  });

  it('the kept segment and the notice survive a reload of the view', async () => {
    await wb.page.reload();
    await wb.page.locator('.monaco-workbench').waitFor();
    await wb.statusBarItem().waitFor();
    await wb.runCommand('DeepSeek: Open Chat');
    chat = await wb.webviewFrame('article.turn');
    await lastTurn().getByRole('region', { name: 'Interrupted: DeepSeek', exact: true }).waitFor();
    await lastTurn().locator('.turn-notice', { hasText: 'DeepSeek stopped mid-answer — answered by Backup' }).waitFor();
    await lastTurn().locator('.turn-footer', { hasText: /^Backup · backup-chat · / }).waitFor();
    // The browser test profile keeps no secrets across a reload: set DeepSeek's key again if it is gone.
    if (/no API key/.test((await wb.statusBarItem().getAttribute('aria-label')) ?? '')) {
      await wb.runCommand('DeepSeek: Set API Key');
      await wb.enterApiKey(DEEPSEEK_KEY);
    }
  });

  it('DeepSeek refuses before anything streamed (402): Backup answers, with a notice and no interrupted segment', async () => {
    // Once: an empty balance fails over at once; two failures in a row leave DeepSeek's breaker (3) closed.
    wb.env.fake.injectFault({ kind: 'status', status: 402, path: '/chat/completions' });
    backup.configure({ chunkDelayMs: 0, replies: [{ content: 'Backup answered instead.' }] });
    await pickModel('chat');
    await ask('Is add() pure?');
    await lastTurn().locator('.question-text', { hasText: 'Is add() pure?' }).waitFor();
    await answerOf().getByText('Backup answered instead.').waitFor();
    await lastTurn().locator('.turn-notice', { hasText: /^DeepSeek failed \(.*402.*\) — answered by Backup$/ }).waitFor();
    assert.equal(await lastTurn().locator('.interrupted').count(), 0, 'nothing had streamed, so nothing is kept');
    await lastTurn().locator('.turn-footer', { hasText: /^Backup · backup-chat · .* · unpriced/ }).waitFor();
    await wb.screenshot('failover-02-before-streaming');
  });

  it('DeepSeek keeps failing: the status bar warns and names Backup, and Show Provider Status says DeepSeek is skipped', async () => {
    // A try and a retry per question (503), then Backup: the third failure in a row opens DeepSeek's breaker.
    wb.env.fake.injectFault({ kind: 'status', status: 503, path: '/chat/completions', times: 4 }); // as many as DeepSeek gets asked
    backup.configure({ chunkDelayMs: 0, replies: [{ content: 'Backup, first.' }, { content: 'Backup, second.' }] });
    await ask('Is mean() safe on an empty list?');
    await answerOf().getByText('Backup, first.').waitFor();
    await ask('And on NaN?');
    await answerOf().getByText('Backup, second.').waitFor();
    await lastTurn().locator('.turn-notice', { hasText: 'DeepSeek skipped for now (failing; see Show Provider Status) — answered by Backup' }).waitFor();
    const item = wb.page.locator('.part.statusbar [aria-label^="DeepSeek is failing"]').first();
    await item.waitFor({ timeout: 120_000 });
    assert.match((await item.getAttribute('aria-label')) ?? '', /^DeepSeek is failing .*requests go to Backup until it recovers/);
    assert.match(await item.innerText(), /Backup · \$/);
    await wb.screenshot('failover-03-status-bar-degraded');
    await wb.runCommand('DeepSeek: Show Provider Status');
    await wb.page.locator('.tab', { hasText: 'DeepSeek Provider Status' }).first().waitFor();
    // The document opens as a Markdown preview (a webview of its own).
    const report = await wb.webviewFrame('li:has-text("State:")');
    await report.locator('li', { hasText: /^State: skipped until \d\d:\d\d:\d\d UTC after \d+ failures in a row$/ }).first().waitFor();
    await report.locator('h2', { hasText: 'Backup — fallback 1' }).waitFor();
    await report.locator('li', { hasText: /^Key: from \$DEEPSEEK_UI_BACKUP_KEY$/ }).waitFor();
    await wb.screenshot('failover-04-provider-status');
  });
});
