import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { EngineResult } from '../../src/engine/requestEngine';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import { FakeDeepSeekControl } from '../fake-deepseek/control';
import type { Fault, LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

/** A value the redactor must catch before it reaches either provider. */
const SECRET = 'ghp_Zq8mX2vN7pL4rT9wY1kB6cJ3hF5dS0aG8eQu';
const PRIMARY_KEY = 'sk-failover-tests-primary-0001';
const BACKUP_REPLY = { content: 'The backup answers: a Map keyed by id.' };
const PRIMARY_REPLY = { reasoning: 'DeepSeek reasons about the data structure at some length first.', content: 'DeepSeek answers: a Map keyed by id, for constant-time lookups.' };

function backupServer(): FakeDeepSeekControl {
  const url = process.env.BACKUP_DEEPSEEK_URL;
  assert.ok(url, 'BACKUP_DEEPSEEK_URL is set by the test harness');
  return new FakeDeepSeekControl(url);
}

const chats = async (s: FakeDeepSeekControl): Promise<LoggedRequest[]> => (await s.requests()).filter((r) => r.route === '/chat/completions');

/**
 * The resilience matrix in the real VS Code: DeepSeek (the fake) fails in each way, the backup (a second fake,
 * configured as a fallback provider in the user's settings with its key in an environment variable) answers —
 * or, for the failures that are the user's to fix, does not.
 */
describe('failover to a fallback provider', () => {
  const primary = fakeServer();
  const backup = backupServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');
  let api: DeepSeekAssistantTestApi;

  before(async () => {
    api = await activateExtension();
    await config().update('fallbackProviders', [{
      name: 'Backup',
      baseUrl: process.env.BACKUP_DEEPSEEK_URL,
      apiKeyEnv: 'BACKUP_DEEPSEEK_KEY',
      models: { chat: 'deepseek-flash', reasoner: 'deepseek-flash' },
      pricing: { 'deepseek-flash': { cacheHit: 0.01, cacheMiss: 0.2, output: 0.8 } },
    }], vscode.ConfigurationTarget.Global);
    await config().update('failover.firstTokenSeconds', 2, vscode.ConfigurationTarget.Global);
    await config().update('failover.stallSeconds', 2, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(CommandIds.setApiKey, PRIMARY_KEY);
  });

  beforeEach(async () => {
    await primary.reset();
    await backup.reset();
    await primary.configure({ replies: Array.from({ length: 10 }, () => PRIMARY_REPLY), chunkChars: 8, chunkDelayMs: 5 });
    await backup.configure({ replies: Array.from({ length: 10 }, () => BACKUP_REPLY) });
    await vscode.commands.executeCommand(CommandIds.resetSessionSpend);
    api.resetProviderHealth();
  });

  after(async () => {
    for (const key of ['fallbackProviders', 'failover.firstTokenSeconds', 'failover.stallSeconds']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await primary.reset();
    await backup.reset();
  });

  async function ask(role: 'chat' | 'reasoner' = 'reasoner'): Promise<EngineResult> {
    const result = await api.ask(`Which structure fits? My token is ${SECRET}`, { role });
    assert.ok(result, 'the request was sent');
    return result;
  }

  async function assertNothingLeaked(): Promise<void> {
    for (const [name, server] of [['DeepSeek', primary], ['Backup', backup]] as const) {
      for (const req of await chats(server)) {
        assert.ok(!JSON.stringify(req.body).includes(SECRET), `the secret reached ${name} unredacted`);
        if (name === 'Backup') assert.ok(!JSON.stringify(req.headers).includes(PRIMARY_KEY), "DeepSeek's key reached the backup");
      }
    }
  }

  /**
   * Each fault, whether output had started, and what is billed: a refusal or a connection that never got an
   * answer costs nothing; a request DeepSeek took (headers sent) and then dropped is billed as an estimate.
   */
  const failovers: Array<[string, Fault, { midAnswer: boolean; billed: string[] }]> = [
    ['500 (after one retry)', { kind: 'status', status: 500, times: 5 }, { midAnswer: false, billed: ['Backup'] }],
    ['503 (after one retry)', { kind: 'status', status: 503, times: 5 }, { midAnswer: false, billed: ['Backup'] }],
    ['429 with a long retry-after', { kind: 'status', status: 429, retryAfter: 90 }, { midAnswer: false, billed: ['Backup'] }],
    ['a connection reset before the headers', { kind: 'reset', times: 5 }, { midAnswer: false, billed: ['Backup'] }],
    ['a stall before the first token', { kind: 'stall', afterChunks: 0 }, { midAnswer: false, billed: ['DeepSeek (estimate)', 'Backup'] }],
    ['a stall mid-reasoning', { kind: 'stall', afterChunks: 3 }, { midAnswer: true, billed: ['DeepSeek (estimate)', 'Backup'] }],
    ['a stall mid-reasoning with keep-alives', { kind: 'stall', afterChunks: 3, keepAliveMs: 200 }, { midAnswer: true, billed: ['DeepSeek (estimate)', 'Backup'] }],
    ['a connection dropped mid-answer', { kind: 'drop', afterChunks: 4 }, { midAnswer: true, billed: ['DeepSeek (estimate)', 'Backup'] }],
    ['truncated JSON mid-answer', { kind: 'truncated', afterChunks: 4 }, { midAnswer: true, billed: ['DeepSeek (estimate)', 'Backup'] }],
    ['a malformed SSE line', { kind: 'malformed', afterChunks: 2 }, { midAnswer: true, billed: ['DeepSeek (estimate)', 'Backup'] }],
  ];

  for (const [name, fault, expect] of failovers) {
    it(`${name}: the backup answers, what arrived is kept and billed, nothing leaks`, async () => {
      await primary.injectFault(fault);
      const result = await ask();
      assert.equal(result.failure, undefined, result.failure?.message);
      assert.equal(result.provider, 'Backup');
      assert.equal(result.content, BACKUP_REPLY.content);
      assert.equal(result.switches.length, 1);
      assert.equal(result.switches[0]!.from, 'DeepSeek');
      assert.equal(result.switches[0]!.midAnswer, expect.midAnswer);
      assert.equal(result.record?.provider, 'Backup', 'the answer is billed to the backup');
      const billed = result.records.map((r) => `${r.provider}${r.estimated ? ' (estimate)' : ''}`);
      assert.deepEqual(billed, expect.billed, 'what DeepSeek took is billed as an estimate; refusals are not billed');
      assert.equal(api.spend().session.requests, billed.length, 'every billed attempt is in the ledger');
      assert.equal(api.lastRequest()?.provider, 'Backup', 'Show Last Request names the provider that answered');
      assert.equal((await chats(backup)).length, 1);
      await assertNothingLeaked();
    });
  }

  it('402: the backup answers and the user is told DeepSeek\'s balance is empty', async () => {
    const since = Date.now();
    await primary.injectFault({ kind: 'status', status: 402 });
    const result = await ask('chat');
    assert.equal(result.provider, 'Backup');
    await waitForNotice(api, /balance is empty.*Backup is answering/, since);
  });

  for (const status of [401, 400, 422]) {
    it(`${status}: never fails over, the failure says what to fix`, async () => {
      await primary.injectFault({ kind: 'status', status, message: 'refused' });
      const result = await ask('chat');
      assert.equal(result.provider, 'DeepSeek');
      assert.ok(result.failure, 'the failure is shown');
      assert.match(result.failure.message, status === 401 ? /Set API Key/ : /refused the request/);
      assert.equal((await chats(backup)).length, 0, 'nothing went to the backup');
    });
  }

  it('a backup that rejects its key says which command fixes it', async () => {
    await primary.injectFault({ kind: 'status', status: 503, times: 5 });
    await backup.injectFault({ kind: 'status', status: 401 });
    const result = await ask('chat');
    assert.equal(result.failure?.kind, 'auth');
    assert.match(result.failure.message, /DeepSeek: .*503.* Then Backup: .*rejected its API key.*Set Fallback Provider Key/);
  });

  it('after repeated failures DeepSeek is skipped (breaker open), and its state is visible', async () => {
    await primary.injectFault({ kind: 'status', status: 503, times: 4 });
    await ask('chat'); // a try and a retry
    await ask('chat'); // two more: the breaker opens at the third
    const before = (await chats(primary)).length;
    const skipped = await ask('chat');
    assert.equal(skipped.provider, 'Backup');
    assert.equal(skipped.switches.length, 0, 'straight to the backup: no waiting on DeepSeek');
    assert.equal((await chats(primary)).length, before, 'nothing sent to DeepSeek while its breaker is open');
    const [deepseek, backupStatus] = api.providerStatus();
    assert.equal(deepseek!.breaker.state, 'open');
    assert.ok(deepseek!.breaker.openUntil && deepseek!.breaker.openUntil > Date.now());
    assert.equal(deepseek!.recentFailures.length, 4);
    assert.equal(backupStatus!.name, 'Backup');
    assert.ok(backupStatus!.latency.samples >= 3, 'the backup\'s latency is measured');
  });

  describe('inline completions (FIM)', () => {
    const fallback = (fim: boolean) => [{
      name: 'Backup', baseUrl: process.env.BACKUP_DEEPSEEK_URL, apiKeyEnv: 'BACKUP_DEEPSEEK_KEY',
      models: { chat: 'deepseek-flash', reasoner: 'deepseek-flash' }, ...(fim ? { fim: true } : {}),
    }];
    const fimRequests = async (s: FakeDeepSeekControl) => (await s.requests()).filter((r) => r.route.endsWith('/completions') && r.route !== '/chat/completions');

    before(async () => {
      await backup.configure({ openAiCompletions: true, fimReply: ' return a + b;' });
    });

    after(async () => {
      await config().update('fallbackProviders', fallback(false).map((f) => ({ ...f, pricing: { 'deepseek-flash': { cacheHit: 0.01, cacheMiss: 0.2, output: 0.8 } } })), vscode.ConfigurationTarget.Global);
    });

    it('fail over only to a provider marked as serving FIM, redacted and billed as completions', async () => {
      await config().update('fallbackProviders', fallback(true), vscode.ConfigurationTarget.Global);
      await backup.configure({ openAiCompletions: true, fimReply: ' return a + b;' });
      await primary.injectFault({ kind: 'status', status: 503, path: '/beta/completions' });
      const outcome = await api.complete(`// token ${SECRET}\nfunction add(a, b) {`, '\n}');
      assert.equal(outcome.kind, 'completed');
      assert.ok(outcome.kind === 'completed');
      assert.equal(outcome.provider, 'Backup');
      assert.equal(outcome.text, ' return a + b;');
      assert.equal(outcome.record?.surface, 'completion');
      const sent = await fimRequests(backup);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.route, '/completions', "a fallback's FIM is /completions at its base URL");
      assert.ok(!JSON.stringify(sent[0]!.body).includes(SECRET), 'the prefix was redacted');
    });

    it('pause quietly while DeepSeek is failing and no fallback serves FIM, and resume when it recovers', async () => {
      await config().update('fallbackProviders', fallback(false), vscode.ConfigurationTarget.Global);
      await primary.injectFault({ kind: 'status', status: 503, path: '/beta/completions', times: 3 });
      const noticesBefore = api.recentNotices().length;
      for (let i = 0; i < 3; i++) assert.equal((await api.complete('const x = ')).kind, 'failed');
      const paused = await api.complete('const x = ');
      assert.equal(paused.kind, 'paused', 'DeepSeek is skipped and no fallback serves FIM');
      assert.equal((await fimRequests(backup)).length, 0, 'a chat-only fallback is never asked for FIM');
      assert.equal(api.recentNotices().length, noticesBefore, 'no notification per keystroke');
      await waitFor('the status bar to say completions are paused', () => (/Inline completions are paused/.test(api.statusBar().tooltip) ? true : undefined));
      api.resetProviderHealth(); // as the cool-down ending would: the next completion probes DeepSeek
      const resumed = await api.complete('const x = ');
      assert.equal(resumed.kind, 'completed');
    });
  });

  it('the chat keeps the exact history: the next turn repeats what DeepSeek cached', async () => {
    await api.newChat();
    const first = await api.askInChat('What is a Map?', 'chat');
    assert.equal(first?.status, 'done');
    await primary.injectFault({ kind: 'status', status: 503, times: 2 }); // a try and a retry, then it recovers
    const second = await api.askInChat('And a Set?', 'chat');
    assert.equal(second?.status, 'done');
    assert.equal(second?.answer, BACKUP_REPLY.content, 'the backup answered the second turn');
    const third = await api.askInChat('Which is faster?', 'chat');
    assert.equal(third?.status, 'done');
    const sent = (await chats(primary)).filter((r) => r.outcome === 'ok').map((r) => (r.body as { messages: { role: string; content: string }[] }).messages);
    const last = sent.at(-1)!;
    assert.ok(last.some((m) => m.role === 'assistant' && m.content === BACKUP_REPLY.content), "the backup's completed answer is in the history");
    const firstSent = sent[0]!;
    assert.deepEqual(last.slice(0, firstSent.length - 1), firstSent.slice(0, firstSent.length - 1), 'the prefix DeepSeek cached is repeated byte for byte');
    const status = api.providerStatus();
    assert.equal(status[0]!.name, 'DeepSeek');
    assert.ok(status[0]!.recentFailures.some((f) => f.status === 503));
    assert.equal(status[1]!.name, 'Backup');
  });
});
