import * as assert from 'assert/strict';
import { resolvePrice, type ResolvedPrice } from '../../src/core/pricing';
import { DEFAULT_PRICING } from '../../src/core/settingsSchema';
import {
  DEFAULT_SESSION_IDLE_MS, hitRate, SpendLedger, type PersistedLedgerV1, type RecordInput, type SpendLedgerOptions, type SpendTotals,
} from '../../src/core/spendLedger';

const HOUR = 60 * 60 * 1000;
const START = Date.UTC(2025, 0, 15, 9, 0);
const chatPrice = resolvePrice(DEFAULT_PRICING, 'deepseek-chat', new Date(START))!;
const reasonerPrice = resolvePrice(DEFAULT_PRICING, 'deepseek-reasoner', new Date(START))!;

/** A ledger on a hand-driven clock whose days are UTC days, so tests do not depend on the machine's zone. */
function clockedLedger(extra: Partial<SpendLedgerOptions> = {}) {
  const clock = { t: START };
  const options: SpendLedgerOptions = { now: () => clock.t, dayKey: (ms) => new Date(ms).toISOString().slice(0, 10), ...extra };
  return { clock, options, ledger: new SpendLedger(options) };
}

function reported(model: string, price: ResolvedPrice | undefined, hit: number, miss: number, out: number, more: Partial<RecordInput> = {}): RecordInput {
  return { model, provider: 'DeepSeek', surface: 'chat', price, usage: { kind: 'reported', hitTokens: hit, missTokens: miss, outputTokens: out }, ...more };
}

const EMPTY: SpendTotals = { requests: 0, hitTokens: 0, missTokens: 0, outputTokens: 0, costUsd: 0, noCacheUsd: 0, estimatedRequests: 0 };

describe('spend ledger: recording', () => {
  it('records a priced request and adds it to session, today and all-time totals', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record({
      model: 'deepseek-reasoner', provider: 'DeepSeek', surface: 'command', price: reasonerPrice, finishReason: 'stop',
      usage: { kind: 'reported', hitTokens: 12_345, missTokens: 678, outputTokens: 910, reasoningTokens: 400 },
    });
    assert.deepEqual(record, {
      at: START, model: 'deepseek-reasoner', provider: 'DeepSeek', surface: 'command',
      hitTokens: 12_345, missTokens: 678, outputTokens: 910, reasoningTokens: 400,
      costUsd: 0.0040941, noCacheUsd: 0.00915555, estimated: false, priceLabel: 'deepseek-reasoner standard', finishReason: 'stop',
    });
    const expected: SpendTotals = { requests: 1, hitTokens: 12_345, missTokens: 678, outputTokens: 910, costUsd: 0.0040941, noCacheUsd: 0.00915555, estimatedRequests: 0 };
    assert.deepEqual(ledger.session, expected);
    assert.deepEqual(ledger.today, expected);
    assert.deepEqual(ledger.allTime, expected);
    assert.deepEqual(ledger.records, [record]);
    assert.equal(ledger.lastRecord, record);
  });

  it('sums several requests exactly, with breakdowns per model and per surface', () => {
    const { ledger } = clockedLedger();
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0, { surface: 'completion' }));
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 1_000_000, { surface: 'chat' }));
    ledger.record(reported('deepseek-reasoner', reasonerPrice, 1_000_000, 1_000_000, 1_000_000, { surface: 'command' }));
    assert.deepEqual(ledger.session, {
      requests: 3, hitTokens: 2_000_000, missTokens: 2_000_000, outputTokens: 2_000_000, costUsd: 4.32, noCacheUsd: 4.93, estimatedRequests: 0,
    });
    assert.deepEqual(ledger.breakdown('session', 'model'), {
      'deepseek-chat': { requests: 2, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 1.44, noCacheUsd: 1.64, estimatedRequests: 0 },
      'deepseek-reasoner': { requests: 1, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 2.88, noCacheUsd: 3.29, estimatedRequests: 0 },
    });
    assert.deepEqual(ledger.breakdown('allTime', 'surface'), {
      completion: { requests: 1, hitTokens: 1_000_000, missTokens: 0, outputTokens: 0, costUsd: 0.07, noCacheUsd: 0.27, estimatedRequests: 0 },
      chat: { requests: 1, hitTokens: 0, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 1.37, noCacheUsd: 1.37, estimatedRequests: 0 },
      command: { requests: 1, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 2.88, noCacheUsd: 3.29, estimatedRequests: 0 },
    });
    assert.equal(hitRate(ledger.session), 0.5);
  });

  it('does not drift when adding many small amounts', () => {
    const { ledger } = clockedLedger();
    const dime = { model: 'm', cacheHit: 0, cacheMiss: 0, output: 1, label: 'm standard' };
    for (let i = 0; i < 3; i++) {
      ledger.record(reported('m', dime, 0, 0, 100_000));
    }
    assert.equal(ledger.session.costUsd, 0.3, '0.1 + 0.1 + 0.1 is exactly 0.3 here');
    for (let i = 0; i < 997; i++) {
      ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    }
    assert.equal(ledger.breakdown('session', 'model')['deepseek-chat'].costUsd, 0.00006979);
  });

  it('prices an aborted stream from estimated tokens, every prompt token a miss, and marks it', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record({
      model: 'deepseek-chat', provider: 'DeepSeek', surface: 'chat', price: chatPrice, finishReason: 'aborted',
      usage: { kind: 'estimate', sent: 'a'.repeat(1000), received: 'b'.repeat(100), reasoning: 'c'.repeat(50) },
    });
    assert.equal(record.estimated, true);
    assert.deepEqual([record.hitTokens, record.missTokens, record.outputTokens, record.reasoningTokens], [0, 300, 45, 15]);
    assert.equal(record.costUsd, 0.0001305);
    assert.equal(record.noCacheUsd, 0.0001305);
    const fromCounts = ledger.record({ model: 'deepseek-chat', provider: 'DeepSeek', surface: 'chat', price: chatPrice, usage: { kind: 'estimate', sent: 2000, received: 0 } });
    assert.deepEqual([fromCounts.missTokens, fromCounts.outputTokens], [600, 0]);
    assert.equal(ledger.session.estimatedRequests, 2);
    assert.equal(ledger.breakdown('allTime', 'surface').chat.estimatedRequests, 2);
  });

  it('records a request for a model with no price at $0, saying so, rather than dropping it', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record({ ...reported('mystery-model', undefined, 10, 20, 30), provider: 'Backup' });
    assert.equal(record.costUsd, 0);
    assert.equal(record.priceLabel, 'no price for mystery-model');
    assert.equal(record.provider, 'Backup');
    assert.deepEqual(ledger.session, { ...EMPTY, requests: 1, hitTokens: 10, missTokens: 20, outputTokens: 30 });
    assert.deepEqual(Object.keys(ledger.breakdown('session', 'model')), ['mystery-model']);
  });

  it('keeps the last 200 records while totals count every request', () => {
    const { ledger, clock } = clockedLedger();
    for (let i = 0; i < 250; i++) {
      clock.t += 1000;
      ledger.record(reported('deepseek-chat', chatPrice, 0, 0, 1, { finishReason: `#${i}` }));
    }
    assert.equal(ledger.records.length, 200);
    assert.equal(ledger.records[0].finishReason, '#50');
    assert.equal(ledger.lastRecord?.finishReason, '#249');
    assert.equal(ledger.allTime.requests, 250);
    assert.equal(ledger.allTime.outputTokens, 250);
  });

  it('gives no hit rate without prompt tokens', () => {
    assert.equal(hitRate(EMPTY), undefined);
    assert.equal(hitRate({ hitTokens: 3, missTokens: 1 }), 0.75);
  });
});

describe('spend ledger: session and day', () => {
  it('resets the session on request, keeping today and all time', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    clock.t += 60_000;
    ledger.resetSession();
    assert.deepEqual(ledger.session, EMPTY);
    assert.deepEqual(ledger.breakdown('session', 'model'), {});
    assert.equal(ledger.sessionStartedAt, START + 60_000);
    assert.equal(ledger.today.costUsd, 0.07);
    assert.equal(ledger.allTime.costUsd, 0.07);
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    assert.equal(ledger.session.costUsd, 0.27);
    assert.equal(ledger.allTime.costUsd, 0.34);
  });

  it('starts a new session by itself when the previous request is more than 4 hours old', () => {
    const { ledger, clock } = clockedLedger();
    assert.equal(DEFAULT_SESSION_IDLE_MS, 4 * HOUR);
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    clock.t += 4 * HOUR;
    assert.equal(ledger.session.requests, 1, 'exactly 4 hours is still the same session');
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    assert.equal(ledger.session.requests, 2);
    clock.t += 4 * HOUR + 1;
    assert.deepEqual(ledger.session, EMPTY, 'a session that ran out reads as empty');
    assert.equal(ledger.sessionStartedAt, undefined);
    assert.deepEqual(ledger.breakdown('session', 'surface').chat, EMPTY);
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    assert.equal(ledger.session.requests, 1);
    assert.equal(ledger.sessionStartedAt, clock.t);
    assert.equal(ledger.allTime.requests, 3);
  });

  it('honours a custom idle time', () => {
    const { ledger, clock } = clockedLedger({ sessionIdleMs: 1000 });
    ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    clock.t += 1001;
    ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    assert.equal(ledger.session.requests, 1);
  });

  it("restarts today's totals when the day changes", () => {
    const { ledger, clock } = clockedLedger();
    clock.t = Date.UTC(2025, 0, 15, 22, 0);
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    clock.t = Date.UTC(2025, 0, 15, 23, 59, 59, 999);
    assert.equal(ledger.today.requests, 1);
    clock.t = Date.UTC(2025, 0, 16, 0, 0);
    assert.deepEqual(ledger.today, EMPTY, 'a new day reads as empty before its first request');
    clock.t = Date.UTC(2025, 0, 16, 1, 0);
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    assert.equal(ledger.today.requests, 1);
    assert.equal(ledger.today.costUsd, 0.27);
    assert.equal(ledger.session.requests, 2, 'three hours apart: same session across midnight');
    assert.equal(ledger.allTime.costUsd, 0.34);
  });

  it('uses the local calendar day by default', () => {
    const t = new Date(2025, 2, 9, 23, 30).getTime();
    const ledger = new SpendLedger({ now: () => t });
    ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    assert.equal(ledger.toJSON().today.day, '2025-03-09');
  });
});

describe('spend ledger: persistence', () => {
  function busyLedger() {
    const setup = clockedLedger();
    const { ledger, clock } = setup;
    ledger.record(reported('deepseek-chat', chatPrice, 1234, 567, 89, { surface: 'completion', finishReason: 'stop' }));
    clock.t += 1000;
    ledger.record({ model: 'deepseek-reasoner', provider: 'DeepSeek', surface: 'command', price: reasonerPrice, usage: { kind: 'estimate', sent: '解释 this', received: 'ok' } });
    clock.t += 1000;
    ledger.record({ ...reported('other', undefined, 1, 2, 3), provider: 'Backup' });
    ledger.record(reported('__proto__', chatPrice, 1, 1, 1));
    return setup;
  }

  it('round-trips through toJSON and JSON text to an equal ledger that keeps working', () => {
    const { ledger, options, clock } = busyLedger();
    const saved = ledger.toJSON();
    assert.equal(saved.version, 1);
    const { ledger: back, warning } = SpendLedger.restore(JSON.parse(JSON.stringify(saved)), options);
    assert.equal(warning, undefined);
    assert.deepEqual(back.toJSON(), saved);
    assert.deepEqual(back.session, ledger.session);
    assert.deepEqual(back.today, ledger.today);
    assert.deepEqual(back.allTime, ledger.allTime);
    assert.deepEqual(back.breakdown('session', 'model'), ledger.breakdown('session', 'model'));
    assert.deepEqual(back.records, ledger.records);
    clock.t += 1000;
    back.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    assert.equal(back.allTime.requests, 5);
    assert.equal(back.session.requests, 5, 'the session survives a reload');
  });

  it('restores a session that ran out while the window was closed as a new session', () => {
    const { ledger, options, clock } = busyLedger();
    clock.t += 5 * HOUR;
    const { ledger: back } = SpendLedger.restore(ledger.toJSON(), options);
    assert.deepEqual(back.session, EMPTY);
    assert.equal(back.allTime.requests, 4);
  });

  it('gives an empty ledger, without a warning, when nothing was stored', () => {
    const { ledger, warning } = SpendLedger.restore(undefined);
    assert.equal(warning, undefined);
    assert.deepEqual(ledger.allTime, EMPTY);
  });

  it('keeps only the newest records when fewer are allowed', () => {
    const { ledger, options } = busyLedger();
    const { ledger: back } = SpendLedger.restore(ledger.toJSON(), { ...options, maxRecords: 2 });
    assert.deepEqual(back.records, ledger.records.slice(-2));
  });

  it('resets unreadable data to an empty ledger with a warning, never throwing', () => {
    const { ledger, options } = busyLedger();
    const good = ledger.toJSON();
    const copy = (): any => JSON.parse(JSON.stringify(good));
    const corrupt: [string, unknown][] = [
      ['null', null],
      ['a string', 'garbage'],
      ['a number', 42],
      ['an array', [good]],
      ['no version', { ...copy(), version: undefined }],
      ['only a version', { version: 1 }],
      ['negative tokens in a record', (() => { const c = copy(); c.records[0].hitTokens = -5; return c; })()],
      ['negative tokens in totals', (() => { const c = copy(); c.allTime.totals.missTokens = -1; return c; })()],
      ['NaN cost', { ...good, allTime: { ...good.allTime, totals: { ...good.allTime.totals, costUsd: Number.NaN } } }],
      ['infinite cost in a record', { ...good, records: [{ ...good.records[0], costUsd: Infinity }] }],
      ['fractional tokens', (() => { const c = copy(); c.session.totals.outputTokens = 1.5; return c; })()],
      ['an unknown surface', (() => { const c = copy(); c.records[0].surface = 'telepathy'; return c; })()],
      ['a missing field', (() => { const c = copy(); delete c.today.totals.requests; return c; })()],
      ['a missing surface', (() => { const c = copy(); delete c.allTime.bySurface.chat; return c; })()],
      ['breakdowns that do not add up', (() => { const c = copy(); c.allTime.byModel['deepseek-chat'].requests += 1; return c; })()],
      ['today bigger than all time', (() => { const c = copy(); c.today.totals.requests = 99; return c; })()],
      ['a bad lastAt', (() => { const c = copy(); c.session.lastAt = 'yesterday'; return c; })()],
      ['records not an array', { ...good, records: {} }],
    ];
    for (const [what, raw] of corrupt) {
      let result: ReturnType<typeof SpendLedger.restore> | undefined;
      assert.doesNotThrow(() => { result = SpendLedger.restore(raw, options); }, what);
      assert.equal(result?.warning, 'DeepSeek spend history was unreadable and has been reset.', what);
      assert.deepEqual(result?.ledger.allTime, EMPTY, what);
      assert.deepEqual(result?.ledger.records, [], what);
      assert.deepEqual(result?.ledger.session, EMPTY, what);
    }
  });

  it('resets data from a newer version, saying so', () => {
    const { ledger, warning } = SpendLedger.restore({ version: 99, anything: true });
    assert.match(warning ?? '', /newer version .* has been reset/);
    assert.deepEqual(ledger.allTime, EMPTY);
  });

  it('persists plain JSON with the documented shape', () => {
    const { ledger } = busyLedger();
    const saved: PersistedLedgerV1 = ledger.toJSON();
    assert.deepEqual(Object.keys(saved).sort(), ['allTime', 'records', 'session', 'today', 'version']);
    assert.equal(saved.session.startedAt, START);
    assert.equal(saved.session.lastAt, START + 2000);
    assert.equal(saved.today.day, '2025-01-15');
    assert.deepEqual(Object.keys(saved.allTime.byModel).sort(), ['__proto__', 'deepseek-chat', 'deepseek-reasoner', 'other']);
    assert.equal(Object.getPrototypeOf(saved.allTime.byModel), Object.prototype, 'a model named __proto__ is just a key');
  });
});
