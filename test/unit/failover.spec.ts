import * as assert from 'assert/strict';
import { DeepSeekClient } from '../../src/api/deepseekClient';
import type { ChatMessage, StreamEvent } from '../../src/api/types';
import type { ModelLimits } from '../../src/core/models';
import { spendInputFor } from '../../src/core/providers/attemptBilling';
import { fallbackProvider, primaryProvider } from '../../src/core/providers/providerSpec';
import { Redactor } from '../../src/core/redaction/redactor';
import { SpendLedger } from '../../src/core/spendLedger';
import type { ProviderSwitchEvent } from '../../src/engine/engineEvents';
import { runWithFailover, type FailoverOutcome, type ProviderTarget } from '../../src/engine/failoverRun';
import { ProviderHealth } from '../../src/engine/providerHealth';
import type { Fault } from '../fake-deepseek/types';
import { FakeDeepSeekServer } from '../fake-deepseek/server';

const PRIMARY_KEY = 'sk-primary-unit-0000000000000001';
const BACKUP_KEY = 'sk-backup-unit-0000000000000002';
/** A value the redactor must catch: it may reach neither provider. */
const SECRET = 'ghp_Zq8mX2vN7pL4rT9wY1kB6cJ3hF5dS0aG8eQu';
const PRIMARY_REPLY = { reasoning: 'Primary thinks it through, step by step, at some length.', content: 'Primary answer: use a Map, keyed by id, for constant-time lookups.' };
const BACKUP_REPLY = { reasoning: 'Backup reasons.', content: 'Backup answer: a Map keyed by id.' };
const TIMERS = { firstTokenMs: 400, idleMs: 400, maxQueueWaitMs: 400 };

interface Run {
  outcome: FailoverOutcome<{ messages: ChatMessage[]; window: number }>;
  events: (StreamEvent | ProviderSwitchEvent)[];
  ledger: SpendLedger;
  sleeps: number[];
  builtFor: number[];
}

describe('failover across providers (two fake servers, plain Node)', function () {
  this.timeout(30_000);
  let primary: FakeDeepSeekServer;
  let backup: FakeDeepSeekServer;
  let primaryTarget: ProviderTarget;
  let backupTarget: ProviderTarget;
  let health: ProviderHealth;
  const redactor = new Redactor({ salt: 'unit-salt' });

  beforeEach(async () => {
    primary = new FakeDeepSeekServer({ apiKey: PRIMARY_KEY, chunkChars: 6, replies: Array.from({ length: 20 }, () => PRIMARY_REPLY) });
    backup = new FakeDeepSeekServer({
      apiKey: BACKUP_KEY, chunkChars: 6, legacyEndpoint: true, models: ['backup-chat'], reasoningModels: ['backup-chat'],
      replies: Array.from({ length: 20 }, () => BACKUP_REPLY),
    });
    const [pUrl, bUrl] = await Promise.all([primary.start(), backup.start()]);
    health = new ProviderHealth({ threshold: 3, coolDownMs: 200 });
    primaryTarget = {
      spec: primaryProvider(pUrl),
      client: new DeepSeekClient({ baseUrl: pUrl, apiKey: PRIMARY_KEY }),
      model: 'deepseek-flash',
      limits: { contextTokens: 1_000_000, maxOutputTokens: 384_000 },
      thinking: 'enabled',
    };
    const backupSpec = fallbackProvider({ name: 'Backup', baseUrl: bUrl, models: { chat: 'backup-chat', reasoner: 'backup-chat' } });
    backupTarget = { spec: backupSpec, client: new DeepSeekClient({ baseUrl: bUrl, apiKey: BACKUP_KEY }), model: 'backup-chat', limits: { contextTokens: 16_000, maxOutputTokens: 4_000 } };
  });

  afterEach(async () => {
    await Promise.all([primary.stop(), backup.stop()]);
  });

  async function run(options: { targets?: ProviderTarget[]; signal?: AbortSignal } = {}): Promise<Run> {
    const events: (StreamEvent | ProviderSwitchEvent)[] = [];
    const ledger = new SpendLedger();
    const sleeps: number[] = [];
    const builtFor: number[] = [];
    const outcome = await runWithFailover({
      targets: options.targets ?? [primaryTarget, backupTarget],
      build: (limits: ModelLimits) => {
        builtFor.push(limits.contextTokens);
        return { window: limits.contextTokens, messages: [{ role: 'user' as const, content: `Which structure? token=${SECRET} (window ${limits.contextTokens})` }] };
      },
      prepare: (built) => built.messages.map((m) => ({ role: m.role, content: redactor.redact(m.content).text })),
      signal: options.signal ?? new AbortController().signal,
      health,
      timeouts: () => TIMERS,
      sink: () => ({ onEvent: (e) => events.push(e), flush: () => undefined }),
      onSwitch: (e) => events.push(e),
      onAttempt: (report) => {
        const input = spendInputFor('chat', report.target.spec.name, undefined, report.result);
        if (input) ledger.record(input);
      },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    return { outcome, events, ledger, sleeps, builtFor };
  }

  function assertNoSecretLeft(): void {
    for (const server of [primary, backup]) {
      for (const req of server.requests) {
        const body = JSON.stringify(req.body ?? '');
        assert.ok(!body.includes(SECRET), `the secret reached ${server.url} unredacted`);
        if (server === backup) assert.ok(!JSON.stringify(req.headers).includes(PRIMARY_KEY), "DeepSeek's key reached the backup");
      }
    }
  }

  const chatRequests = (s: FakeDeepSeekServer) => s.requests.filter((r) => r.route === '/chat/completions');

  /** A fault on the primary that ends with the backup answering, with nothing lost on the way. */
  async function failsOverOn(fault: Fault, expect: { midAnswer: boolean; primaryRequests: number }): Promise<Run> {
    primary.injectFault(fault);
    const r = await run();
    assert.equal(r.outcome.result.failure, undefined, r.outcome.result.failure?.message);
    assert.equal(r.outcome.target.spec.name, 'Backup');
    assert.equal(r.outcome.result.content, BACKUP_REPLY.content);
    assert.equal(chatRequests(primary).length, expect.primaryRequests, 'retries on the primary');
    assert.equal(chatRequests(backup).length, 1);
    const switchEvent = r.events.find((e): e is ProviderSwitchEvent => e.type === 'provider');
    assert.ok(switchEvent, 'the switch is announced');
    assert.equal(switchEvent.from, 'DeepSeek');
    assert.equal(switchEvent.to, 'Backup');
    assert.equal(switchEvent.midAnswer, expect.midAnswer);
    assertNoSecretLeft();
    return r;
  }

  it('429 with a short retry-after: waits as told and DeepSeek answers', async () => {
    primary.injectFault({ kind: 'status', status: 429, retryAfter: 1, times: 1 });
    const r = await run();
    assert.equal(r.outcome.target.spec.name, 'DeepSeek');
    assert.equal(r.outcome.result.content, PRIMARY_REPLY.content);
    assert.deepEqual(r.sleeps, [1000], 'retry-after honoured');
    assert.equal(chatRequests(backup).length, 0);
    assert.equal(r.ledger.session.requests, 1, 'the refused attempt is not billed, the answer is');
    assertNoSecretLeft();
  });

  it('429 with a long retry-after fails over at once', async () => {
    const r = await failsOverOn({ kind: 'status', status: 429, retryAfter: 120 }, { midAnswer: false, primaryRequests: 1 });
    assert.deepEqual(r.sleeps, []);
  });

  it('500: one retry with backoff, then the backup answers', async () => {
    const r = await failsOverOn({ kind: 'status', status: 500 , times: 10 }, { midAnswer: false, primaryRequests: 2 });
    assert.equal(r.sleeps.length, 1);
    assert.ok(r.sleeps[0]! >= 400 && r.sleeps[0]! <= 600, `backoff ${r.sleeps[0]}`);
    assert.equal(r.ledger.session.requests, 1, 'only the answer is billed');
  });

  it('503: one retry, then the backup answers', async () => {
    await failsOverOn({ kind: 'status', status: 503, times: 10 }, { midAnswer: false, primaryRequests: 2 });
  });

  it('a stall before the first token fails over after the first-token timeout', async () => {
    const r = await failsOverOn({ kind: 'stall', afterChunks: 0 }, { midAnswer: false, primaryRequests: 1 });
    assert.equal(r.outcome.attempts[0]!.result.failure?.kind, 'timeout');
  });

  it('a stall mid-reasoning: what arrived stays (and is billed as an estimate), the answer restarts on the backup', async () => {
    const r = await failsOverOn({ kind: 'stall', afterChunks: 3 }, { midAnswer: true, primaryRequests: 1 });
    const interrupted = r.outcome.attempts[0]!.result;
    assert.ok(interrupted.reasoning.length > 0 && PRIMARY_REPLY.reasoning.startsWith(interrupted.reasoning), 'the partial reasoning is kept');
    const streamed = r.events.filter((e) => e.type === 'reasoning').map((e) => (e as StreamEvent).text).join('');
    assert.ok(streamed.startsWith(interrupted.reasoning), 'the partial reasoning was shown before the switch');
    assert.equal(r.ledger.session.requests, 2, 'both attempts billed');
    assert.equal(r.ledger.session.estimatedRequests, 1, 'the interrupted one as an estimate');
  });

  it('keep-alive comments during a stall mid-reasoning are not progress: it still fails over', async () => {
    const r = await failsOverOn({ kind: 'stall', afterChunks: 3, keepAliveMs: 50 }, { midAnswer: true, primaryRequests: 1 });
    assert.equal(r.outcome.attempts[0]!.result.failure?.kind, 'timeout');
  });

  it('a connection reset before the headers: one retry, then the backup answers', async () => {
    const r = await failsOverOn({ kind: 'reset', times: 5 }, { midAnswer: false, primaryRequests: 2 });
    assert.equal(r.outcome.attempts[0]!.result.failure?.kind, 'network');
    assert.equal(r.ledger.session.requests, 1, 'a request that never reached DeepSeek is not billed');
  });

  it('truncated JSON mid-answer restarts on the backup', async () => {
    const r = await failsOverOn({ kind: 'truncated', afterChunks: 4 }, { midAnswer: true, primaryRequests: 1 });
    assert.equal(r.outcome.attempts[0]!.result.partial, true);
  });

  it('a dropped connection mid-answer restarts on the backup', async () => {
    primary.configure({ chunkDelayMs: 10 }); // so the chunks before the drop reach the client
    await failsOverOn({ kind: 'drop', afterChunks: 4 }, { midAnswer: true, primaryRequests: 1 });
  });

  it('a malformed SSE line fails over', async () => {
    const r = await failsOverOn({ kind: 'malformed', afterChunks: 2 }, { midAnswer: true, primaryRequests: 1 });
    assert.equal(r.outcome.attempts[0]!.result.failure?.kind, 'stream');
  });

  it('402 fails over: DeepSeek has no balance, the backup answers', async () => {
    const r = await failsOverOn({ kind: 'status', status: 402 }, { midAnswer: false, primaryRequests: 1 });
    assert.match((r.events.find((e) => e.type === 'provider') as ProviderSwitchEvent).why, /402/);
  });

  it('401 never fails over: the key is the user\'s to fix', async () => {
    primary.injectFault({ kind: 'status', status: 401 });
    const r = await run();
    assert.equal(r.outcome.result.failure?.kind, 'auth');
    assert.equal(r.outcome.target.spec.name, 'DeepSeek');
    assert.equal(chatRequests(backup).length, 0, 'nothing went to the backup');
    assert.equal(r.events.filter((e) => e.type === 'provider').length, 0);
  });

  it('400 and 422 never fail over either', async () => {
    for (const status of [400, 422]) {
      primary.injectFault({ kind: 'status', status, message: 'bad request' });
      const r = await run();
      assert.equal(r.outcome.result.failure?.kind, 'invalid', `${status}`);
      assert.equal(chatRequests(backup).length, 0, `${status}: nothing went to the backup`);
    }
  });

  it('without a fallback: 500 is retried twice, then the failure is shown', async () => {
    primary.injectFault({ kind: 'status', status: 500, times: 10 });
    const r = await run({ targets: [primaryTarget] });
    assert.equal(r.outcome.result.failure?.kind, 'server');
    assert.equal(chatRequests(primary).length, 3);
    assert.equal(r.sleeps.length, 2);
  });

  it('without a fallback: a stall mid-answer keeps what arrived, marked partial', async () => {
    primary.injectFault({ kind: 'stall', afterChunks: 4 });
    const r = await run({ targets: [primaryTarget] });
    assert.equal(r.outcome.result.failure?.kind, 'timeout');
    assert.equal(r.outcome.result.partial, true);
    assert.ok(r.outcome.result.reasoning.length > 0);
    assert.equal(r.ledger.session.estimatedRequests, 1);
  });

  it('rebuilds the prompt for the backup\'s smaller window', async () => {
    const r = await failsOverOn({ kind: 'status', status: 503, times: 10 }, { midAnswer: false, primaryRequests: 2 });
    assert.deepEqual(r.builtFor, [1_000_000, 16_000], 'one build per window');
    assert.equal(r.outcome.built.window, 16_000);
    assert.equal(r.outcome.firstBuilt.window, 1_000_000);
    assert.match(JSON.stringify(chatRequests(backup)[0]!.body), /window 16000/);
  });

  it('the circuit breaker skips DeepSeek after repeated failures, then probes it with one real request', async () => {
    primary.injectFault({ kind: 'status', status: 503, times: 4 });
    await run(); // 2 failures (try + retry), backup answers
    await run(); // 2 more: the breaker opens at the third
    assert.equal(health.status([primaryTarget.spec])[0]!.breaker.state, 'open');
    const before = chatRequests(primary).length;
    const skipped = await run();
    assert.equal(skipped.outcome.target.spec.name, 'Backup');
    assert.equal(chatRequests(primary).length, before, 'DeepSeek skipped while open');
    await new Promise((resolve) => setTimeout(resolve, 250)); // the cool-down
    const probed = await run();
    assert.equal(probed.outcome.target.spec.name, 'DeepSeek', 'the probe went to DeepSeek and it answered');
    assert.equal(health.status([primaryTarget.spec])[0]!.breaker.state, 'closed');
  });

  it('the user stopping the request stops the chain: no failover', async () => {
    primary.configure({ chunkDelayMs: 50 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const r = await run({ signal: controller.signal });
    assert.equal(r.outcome.result.failure?.kind, 'cancelled');
    assert.equal(chatRequests(backup).length, 0);
  });
});
