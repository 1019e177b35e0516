import * as assert from 'assert/strict';
import { DEEPSEEK_PRICES_2025, resolvePrice, type ResolvedPrice } from '../../src/core/pricing';
import {
  DEFAULT_SESSION_IDLE_MS, hitRate, LedgerFold, resolveFoldOptions, SpendLedger, type LedgerEvent, type RecordInput, type SpendLedgerOptions,
  type SpendRecord, type SpendTotals,
} from '../../src/core/spendLedger';
import v1Fixture from './spendLedgerV1.fixture.json';

const HOUR = 60 * 60 * 1000;
const START = Date.UTC(2025, 0, 15, 9, 0);
const chatPrice = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', new Date(START))!;
const reasonerPrice = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-reasoner', new Date(START))!;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A ledger on a hand-driven clock whose days are UTC days (tests do not depend on the zone), with ids `<prefix>1`, `<prefix>2`, …. */
function clockedLedger(extra: Partial<SpendLedgerOptions> = {}, prefix = 'id') {
  const clock = { t: START };
  let n = 0;
  const options: SpendLedgerOptions = { now: () => clock.t, dayKey: utcDay, newId: () => `${prefix}${++n}`, ...extra };
  return { clock, options, ledger: new SpendLedger(options) };
}

function reported(model: string, price: ResolvedPrice | undefined, hit: number, miss: number, out: number, more: Partial<RecordInput> = {}): RecordInput {
  return { model, provider: 'DeepSeek', surface: 'chat', price, usage: { kind: 'reported', hitTokens: hit, missTokens: miss, outputTokens: out }, ...more };
}

const EMPTY: SpendTotals = { requests: 0, hitTokens: 0, missTokens: 0, outputTokens: 0, costUsd: 0, noCacheUsd: 0, estimatedRequests: 0, unpricedRequests: 0 };

describe('spend ledger: recording', () => {
  it('records a priced request and adds it to session, today and all-time totals', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record({
      model: 'deepseek-reasoner', provider: 'DeepSeek', surface: 'command', price: reasonerPrice, finishReason: 'stop',
      usage: { kind: 'reported', hitTokens: 12_345, missTokens: 678, outputTokens: 910, reasoningTokens: 400 },
    });
    assert.deepEqual(record, {
      id: 'id1', at: START, model: 'deepseek-reasoner', provider: 'DeepSeek', surface: 'command',
      hitTokens: 12_345, missTokens: 678, outputTokens: 910, reasoningTokens: 400,
      costUsd: 0.0040941, noCacheUsd: 0.00915555, estimated: false, priceLabel: 'deepseek-reasoner standard', finishReason: 'stop',
    });
    const expected: SpendTotals = { requests: 1, hitTokens: 12_345, missTokens: 678, outputTokens: 910, costUsd: 0.0040941, noCacheUsd: 0.00915555, estimatedRequests: 0, unpricedRequests: 0 };
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
      requests: 3, hitTokens: 2_000_000, missTokens: 2_000_000, outputTokens: 2_000_000, costUsd: 4.32, noCacheUsd: 4.93, estimatedRequests: 0, unpricedRequests: 0,
    });
    assert.deepEqual(ledger.breakdown('session', 'model'), {
      'deepseek-chat': { requests: 2, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 1.44, noCacheUsd: 1.64, estimatedRequests: 0, unpricedRequests: 0 },
      'deepseek-reasoner': { requests: 1, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 2.88, noCacheUsd: 3.29, estimatedRequests: 0, unpricedRequests: 0 },
    });
    assert.deepEqual(ledger.breakdown('allTime', 'surface'), {
      completion: { requests: 1, hitTokens: 1_000_000, missTokens: 0, outputTokens: 0, costUsd: 0.07, noCacheUsd: 0.27, estimatedRequests: 0, unpricedRequests: 0 },
      chat: { requests: 1, hitTokens: 0, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 1.37, noCacheUsd: 1.37, estimatedRequests: 0, unpricedRequests: 0 },
      command: { requests: 1, hitTokens: 1_000_000, missTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 2.88, noCacheUsd: 3.29, estimatedRequests: 0, unpricedRequests: 0 },
      ocr: EMPTY, lm: EMPTY, participant: EMPTY, commit: EMPTY,
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

  it('records a request for a model with no price as unpriced, saying so, rather than dropping it', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record({ ...reported('mystery-model', undefined, 10, 20, 30), provider: 'Backup' });
    assert.equal(record.unpriced, true);
    assert.equal(record.costUsd, 0, 'nothing is added to the money sums');
    assert.equal(record.noCacheUsd, 0);
    assert.equal(record.priceLabel, 'no price for mystery-model');
    assert.equal(record.provider, 'Backup');
    assert.deepEqual(ledger.session, { ...EMPTY, requests: 1, hitTokens: 10, missTokens: 20, outputTokens: 30, unpricedRequests: 1 });
    assert.deepEqual(Object.keys(ledger.breakdown('session', 'model')), ['mystery-model']);
  });

  it('marks only unpriced records, and counts them apart from the priced ones in every total', () => {
    const { ledger } = clockedLedger();
    const priced = ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    assert.equal('unpriced' in priced, false, 'a priced record carries no unpriced field');
    ledger.record({ ...reported('other', undefined, 0, 5, 5), provider: 'Backup', usage: { kind: 'estimate', sent: 'x'.repeat(100), received: 'y' } });
    ledger.record({ ...reported('other', undefined, 1, 1, 1), provider: 'Backup' });
    for (const t of [ledger.session, ledger.today, ledger.allTime]) {
      assert.equal(t.requests, 3);
      assert.equal(t.unpricedRequests, 2);
      assert.equal(t.costUsd, 0.27, 'the priced request only');
    }
    assert.equal(ledger.breakdown('session', 'model').other.unpricedRequests, 2);
    assert.equal(ledger.breakdown('session', 'model')['deepseek-chat'].unpricedRequests, 0);
    assert.equal(ledger.breakdown('allTime', 'surface').chat.unpricedRequests, 2);
    assert.equal(ledger.breakdown('session', 'provider').Backup.estimatedRequests, 1);
  });

  it('breaks totals down per provider, for the session and all time', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    ledger.record({ ...reported('gpt-x', undefined, 0, 10, 10), provider: 'Backup' });
    clock.t += 1000;
    ledger.resetSession();
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    ledger.record({ ...reported('deepseek-chat', chatPrice, 0, 1_000_000, 0), provider: 'Other' });
    assert.deepEqual(ledger.breakdown('allTime', 'provider'), {
      DeepSeek: { ...EMPTY, requests: 2, hitTokens: 1_000_000, missTokens: 1_000_000, costUsd: 0.34, noCacheUsd: 0.54 },
      Backup: { ...EMPTY, requests: 1, missTokens: 10, outputTokens: 10, unpricedRequests: 1 },
      Other: { ...EMPTY, requests: 1, missTokens: 1_000_000, costUsd: 0.27, noCacheUsd: 0.27 },
    });
    assert.deepEqual(Object.keys(ledger.breakdown('session', 'provider')).sort(), ['DeepSeek', 'Other'], 'Backup was before the reset');
    assert.equal(ledger.breakdown('session', 'provider').DeepSeek.requests, 1);
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

describe('spend ledger: text extraction (the ocr surface)', () => {
  const ocr = (pages: number, perPage: { usd: number; label: string } | undefined, more: Partial<RecordInput> = {}): RecordInput => ({
    model: 'deepseek-ocr', provider: 'DeepSeek', surface: 'ocr', price: undefined, pages,
    usage: { kind: 'reported', hitTokens: 0, missTokens: 0, outputTokens: 0 }, ...(perPage ? { perPage } : {}), ...more,
  });

  it('prices an extraction per page, exactly, and counts its pages in every scope and the ocr surface', () => {
    const { ledger } = clockedLedger();
    const label = 'OCR $0.00021/page (estimate from 1.5 CNY per 1,000 pages)';
    const record = ledger.record(ocr(3, { usd: 0.00021, label }));
    assert.deepEqual(record, {
      id: 'id1', at: START, model: 'deepseek-ocr', provider: 'DeepSeek', surface: 'ocr', hitTokens: 0, missTokens: 0, outputTokens: 0, reasoningTokens: 0,
      costUsd: 0.00063, noCacheUsd: 0.00063, estimated: false, priceLabel: label, pages: 3,
    });
    for (let i = 0; i < 9; i++) ledger.record(ocr(1, { usd: 0.00021, label }));
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    assert.equal(ledger.session.costUsd, 0.27252, 'pico-dollar sums: no drift');
    assert.equal(ledger.session.pages, 12);
    assert.equal(ledger.today.pages, 12);
    assert.equal(ledger.allTime.requests, 11);
    assert.deepEqual(ledger.breakdown('session', 'surface').ocr, { requests: 10, hitTokens: 0, missTokens: 0, outputTokens: 0, costUsd: 0.00252, noCacheUsd: 0.00252, estimatedRequests: 0, unpricedRequests: 0, pages: 12 });
    assert.equal(ledger.breakdown('session', 'surface').chat.pages, undefined, 'no pages where there were none');
  });

  it('records a self-hosted endpoint\'s extraction as unpriced, with its tokens', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record(ocr(1, undefined, { model: 'deepseek-ai/DeepSeek-OCR-2', provider: 'OCR endpoint at localhost:8000', usage: { kind: 'reported', hitTokens: 0, missTokens: 270, outputTokens: 40 } }));
    assert.equal(record.unpriced, true);
    assert.equal(record.priceLabel, 'no price for deepseek-ai/DeepSeek-OCR-2');
    assert.deepEqual([record.missTokens, record.outputTokens, record.costUsd, record.pages], [270, 40, 0, 1]);
    assert.equal(ledger.session.unpricedRequests, 1);
  });

  it('ignores a nonsense page count or price rather than recording NaN', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record(ocr(-2, { usd: Number.NaN, label: 'x' }));
    assert.equal(record.pages, undefined);
    assert.equal(record.unpriced, true);
    assert.equal(ledger.session.costUsd, 0);
  });

  it('persists pages and the ocr surface, and still reads folds and records from before them', () => {
    const { ledger, options: ledgerOptions } = clockedLedger();
    ledger.record(ocr(5, { usd: 0.001, label: 'OCR $0.001/page (deepseek.ocr.pricePerPage)' }));
    ledger.record(reported('deepseek-chat', chatPrice, 10, 10, 10));
    const saved = JSON.parse(JSON.stringify(ledger.fold().toJSON()));
    const back = LedgerFold.parse(saved, resolveFoldOptions({ dayKey: utcDay }));
    assert.ok(back);
    const reloaded = new SpendLedger(ledgerOptions);
    reloaded.rebase(back, []);
    assert.equal(reloaded.session.pages, 5);
    assert.equal(reloaded.records[0].pages, 5);
    assert.deepEqual(reloaded.breakdown('allTime', 'surface'), ledger.breakdown('allTime', 'surface'));

    // As written before extraction existed: no ocr surface, no pages anywhere.
    const dropOcr = (scope: any) => {
      delete scope.bySurface.ocr;
      delete scope.totals.pages;
      for (const t of Object.values(scope.byModel) as any[]) delete t.pages;
      for (const t of Object.values(scope.byProvider) as any[]) delete t.pages;
    };
    const { ledger: plain } = clockedLedger();
    plain.record(reported('deepseek-chat', chatPrice, 10, 10, 10));
    const before = JSON.parse(JSON.stringify(plain.fold().toJSON()));
    dropOcr(before.allTime);
    dropOcr(before.session);
    const read = LedgerFold.parse(before, resolveFoldOptions({ dayKey: utcDay }));
    assert.ok(read, 'an old snapshot still loads');
    assert.deepEqual(read.toJSON().allTime.bySurface.ocr, EMPTY);

    const mismatched = JSON.parse(JSON.stringify(saved));
    mismatched.allTime.bySurface.ocr.pages = 99;
    assert.equal(LedgerFold.parse(mismatched, resolveFoldOptions({ dayKey: utcDay })), undefined, 'pages that do not add up are refused');
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
    assert.deepEqual(Object.keys(ledger.fold().toJSON().days), ['2025-03-09']);
  });

  it('has no session start before the first request or reset', () => {
    const { ledger, clock } = clockedLedger();
    assert.equal(ledger.sessionStartedAt, undefined);
    clock.t += 5000;
    ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    assert.equal(ledger.sessionStartedAt, START + 5000);
  });
});


const recordEvents = (ledger: SpendLedger): LedgerEvent[] => ledger.records.map((record) => ({ type: 'record', record }));

describe('spend ledger: merging events of several windows', () => {
  it('counts an event merged twice once', () => {
    const a = clockedLedger({}, 'a');
    const b = clockedLedger({}, 'b');
    a.ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    b.ledger.add(recordEvents(a.ledger));
    assert.deepEqual(b.ledger.add(recordEvents(a.ledger)), [], 'nothing new the second time');
    b.ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    a.ledger.add(recordEvents(b.ledger));
    for (const l of [a.ledger, b.ledger]) {
      assert.equal(l.allTime.requests, 2);
      assert.equal(l.session.costUsd, 0.34);
      assert.equal(l.today.costUsd, 0.34);
    }
    assert.deepEqual(a.ledger.records, b.ledger.records);
  });

  it('gives the same figures whatever order the events arrive in', () => {
    const a = clockedLedger({}, 'a');
    const events: LedgerEvent[] = [];
    for (let i = 0; i < 30; i++) {
      a.clock.t += (i % 7 === 6 ? 5 * HOUR : 60_000);
      if (i === 20) events.push({ type: 'resetSession', reset: a.ledger.resetSession() });
      events.push({ type: 'record', record: a.ledger.record(reported('deepseek-chat', chatPrice, i, 100 - i, 7, { surface: i % 2 ? 'chat' : 'completion' })) });
    }
    const shuffled = shuffle(events, 7);
    const b = clockedLedger({}, 'b');
    b.clock.t = a.clock.t;
    for (const e of shuffled) b.ledger.add([e]);
    assert.deepEqual(b.ledger.session, a.ledger.session);
    assert.deepEqual(b.ledger.today, a.ledger.today);
    assert.deepEqual(b.ledger.allTime, a.ledger.allTime);
    assert.deepEqual(b.ledger.breakdown('session', 'surface'), a.ledger.breakdown('session', 'surface'));
    assert.deepEqual(b.ledger.records, a.ledger.records);
    assert.equal(b.ledger.sessionStartedAt, a.ledger.sessionStartedAt);
  });

  it("resets every window's session with one window's reset, keeping records made after it", () => {
    const a = clockedLedger({}, 'a');
    const b = clockedLedger({}, 'b');
    b.clock.t = a.clock.t;
    a.ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    a.clock.t += 1000;
    b.clock.t += 1000;
    const reset = a.ledger.resetSession();
    b.clock.t += 1000;
    const late = b.ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    b.ledger.add([...recordEvents(a.ledger), { type: 'resetSession', reset }]);
    a.ledger.add([{ type: 'record', record: late }]);
    for (const l of [a.ledger, b.ledger]) {
      assert.equal(l.session.costUsd, 0.27, 'only the request after the reset');
      assert.equal(l.allTime.costUsd, 0.34);
      assert.equal(l.sessionStartedAt, START + 1000);
    }
  });

  it('rebases on a new fold without losing or doubling the events not in it', () => {
    const { ledger, clock } = clockedLedger();
    for (let i = 0; i < 5; i++) {
      clock.t += 1000;
      ledger.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    }
    const all = recordEvents(ledger);
    const fold = LedgerFold.empty();
    const options = resolveFoldOptions({ dayKey: utcDay });
    for (const e of all.slice(0, 3)) fold.apply(e, options);
    const before = ledger.allTime;
    ledger.rebase(fold, all); // The three folded ones come along again: counted once.
    assert.deepEqual(ledger.allTime, before);
    assert.equal(ledger.unfoldedEvents, 2);
  });
});

describe('spend ledger: persisted fold', () => {
  const options = resolveFoldOptions({ dayKey: utcDay });

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

  it('round-trips through JSON text to an equal ledger that keeps working', () => {
    const { ledger, options: ledgerOptions, clock } = busyLedger();
    const saved = ledger.fold().toJSON();
    const back = LedgerFold.parse(JSON.parse(JSON.stringify(saved)), options);
    assert.ok(back);
    assert.deepEqual(back.toJSON(), saved);
    const reloaded = new SpendLedger(ledgerOptions);
    reloaded.rebase(back, []);
    assert.deepEqual(reloaded.session, ledger.session);
    assert.deepEqual(reloaded.today, ledger.today);
    assert.deepEqual(reloaded.allTime, ledger.allTime);
    assert.deepEqual(reloaded.breakdown('session', 'model'), ledger.breakdown('session', 'model'));
    assert.deepEqual(reloaded.breakdown('session', 'provider'), ledger.breakdown('session', 'provider'));
    assert.deepEqual(reloaded.breakdown('allTime', 'provider'), ledger.breakdown('allTime', 'provider'));
    assert.equal(reloaded.allTime.unpricedRequests, 1);
    assert.equal(reloaded.records.find((r) => r.provider === 'Backup')?.unpriced, true);
    assert.deepEqual(reloaded.records, ledger.records);
    clock.t += 1000;
    reloaded.record(reported('deepseek-chat', chatPrice, 1_000_000, 0, 0));
    assert.equal(reloaded.allTime.requests, 5);
    assert.equal(reloaded.session.requests, 5, 'the session survives a reload');
    assert.equal(Object.getPrototypeOf(saved.allTime.byModel), Object.prototype, 'a model named __proto__ is just a key');
  });

  it('refuses unreadable folds rather than guessing', () => {
    const good = busyLedger().ledger.fold().toJSON();
    const copy = (): any => JSON.parse(JSON.stringify(good));
    const corrupt: [string, unknown][] = [
      ['null', null],
      ['a string', 'garbage'],
      ['negative tokens in a record', (() => { const c = copy(); c.recent[0].hitTokens = -5; return c; })()],
      ['a record without id', (() => { const c = copy(); delete c.recent[0].id; return c; })()],
      ['NaN cost', (() => { const c = copy(); c.allTime.totals.costUsd = Number.NaN; return c; })()],
      ['breakdowns that do not add up', (() => { const c = copy(); c.allTime.byModel['deepseek-chat'].requests += 1; return c; })()],
      ['a day bigger than all time', (() => { const c = copy(); c.days['2025-01-15'].requests = 99; return c; })()],
      ['a bad lastAt', (() => { const c = copy(); c.session.lastAt = 'yesterday'; return c; })()],
      ['providers that do not add up', (() => { const c = copy(); c.allTime.byProvider.Backup.unpricedRequests = 0; return c; })()],
      ['providers that are not totals', (() => { const c = copy(); c.session.byProvider = []; return c; })()],
      ['more unpriced than requests', (() => { const c = copy(); c.days['2025-01-15'].unpricedRequests = 99; return c; })()],
      ['unpriced that is not a flag', (() => { const c = copy(); c.recent[0].unpriced = 'yes'; return c; })()],
    ];
    for (const [what, raw] of corrupt) {
      assert.equal(LedgerFold.parse(raw, options), undefined, what);
    }
  });

  /** A persisted fold as written before unpriced requests and per-provider totals were kept. */
  function asOldFold(json: object): any {
    const old: any = JSON.parse(JSON.stringify(json));
    const strip = (t: any) => { delete t.unpricedRequests; };
    for (const scope of [old.allTime, old.session]) {
      delete scope.byProvider;
      strip(scope.totals);
      Object.values(scope.byModel).forEach(strip);
      Object.values(scope.bySurface).forEach(strip);
    }
    Object.values(old.days).forEach(strip);
    for (const r of old.recent) delete r.unpriced;
    return old;
  }

  it('reads a fold written before unpriced counts and providers: none unpriced, providers from its records', () => {
    const { ledger, options: ledgerOptions } = busyLedger();
    const old = asOldFold(ledger.fold().toJSON());
    const back = LedgerFold.parse(old, options);
    assert.ok(back, 'an old snapshot still loads');
    const reloaded = new SpendLedger(ledgerOptions);
    reloaded.rebase(back, []);
    assert.deepEqual(reloaded.allTime, { ...ledger.allTime, unpricedRequests: 0 });
    assert.deepEqual(reloaded.session, { ...ledger.session, unpricedRequests: 0 });
    const unpricedNone = (rows: Readonly<Record<string, SpendTotals>>) =>
      Object.fromEntries(Object.entries(rows).map(([k, t]) => [k, { ...t, unpricedRequests: 0 }]));
    assert.deepEqual(reloaded.breakdown('allTime', 'provider'), unpricedNone(ledger.breakdown('allTime', 'provider')), 'every record kept: exact');
    assert.deepEqual(reloaded.breakdown('session', 'provider'), unpricedNone(ledger.breakdown('session', 'provider')));
    assert.ok(LedgerFold.parse(JSON.parse(JSON.stringify(back.toJSON())), options), 'and writes a fold that reads back');
  });

  it("gives an old fold's requests older than its records to DeepSeek", () => {
    const { ledger, clock, options: ledgerOptions } = clockedLedger({ maxRecords: 2 });
    for (let i = 0; i < 3; i++) ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    clock.t += 1000;
    ledger.record({ ...reported('gpt-x', undefined, 0, 10, 10), provider: 'Backup' });
    ledger.record({ ...reported('deepseek-chat', chatPrice, 0, 1_000_000, 0), provider: 'Other' });
    const back = LedgerFold.parse(asOldFold(ledger.fold().toJSON()), options)!;
    const reloaded = new SpendLedger(ledgerOptions);
    reloaded.rebase(back, []);
    const all = reloaded.breakdown('allTime', 'provider');
    assert.deepEqual([all.DeepSeek.requests, all.Backup.requests, all.Other.requests], [3, 1, 1]);
    assert.equal(all.DeepSeek.costUsd, 0.81);
    assert.equal(all.Other.costUsd, 0.27);
  });

  it("does not trust an old fold's records that do not fit its totals: all DeepSeek's, still adding up", () => {
    const { ledger, clock } = busyLedger();
    clock.t += 1000;
    ledger.resetSession();
    ledger.record({ ...reported('deepseek-chat', chatPrice, 0, 1, 0), provider: 'Other' });
    const old = asOldFold(ledger.fold().toJSON());
    old.session.startedAt = 0; // Every record now looks like the session's: more than its totals.
    const back = LedgerFold.parse(old, options);
    assert.ok(back);
    const session = back.toJSON().session;
    assert.deepEqual(Object.keys(session.byProvider ?? {}), ['DeepSeek']);
    assert.deepEqual(session.byProvider?.DeepSeek, session.totals);
    assert.ok(LedgerFold.parse(JSON.parse(JSON.stringify(back.toJSON())), options));
  });

  it('keeps the daily totals of the last days only', () => {
    const { ledger, clock } = clockedLedger();
    for (let d = 0; d < 12; d++) {
      clock.t = START + d * 24 * HOUR;
      ledger.record(reported('deepseek-chat', chatPrice, 1, 0, 0));
    }
    const days = Object.keys(ledger.fold().toJSON().days);
    assert.equal(days.length, 8);
    assert.equal(days.at(-1), utcDay(clock.t));
    assert.equal(ledger.allTime.requests, 12);
  });
});

describe('spend ledger: migrating version 1 (globalState)', () => {
  const options = resolveFoldOptions({ dayKey: utcDay });
  const at = (v1Fixture.session.lastAt as number) + 60_000;
  /** Version 1 did not count unpriced requests: its totals read with none. */
  const v2 = (t: object): SpendTotals => ({ ...(t as Omit<SpendTotals, 'unpricedRequests'>), unpricedRequests: 0 });
  const v2All = (rows: Record<string, object>) => Object.fromEntries(Object.entries(rows).map(([k, t]) => [k, v2(t)]));

  it('keeps every figure of the version-1 ledger', () => {
    const { fold, warning } = LedgerFold.fromV1(v1Fixture, options);
    assert.equal(warning, undefined);
    assert.ok(fold);
    const ledger = new SpendLedger({ now: () => at, dayKey: utcDay });
    ledger.rebase(fold, []);
    assert.deepEqual(ledger.allTime, v2(v1Fixture.allTime.totals));
    assert.deepEqual(ledger.session, v2(v1Fixture.session.totals));
    assert.deepEqual(ledger.today, v2(v1Fixture.today.totals));
    assert.equal(ledger.sessionStartedAt, v1Fixture.session.startedAt);
    assert.deepEqual(ledger.breakdown('allTime', 'model'), v2All(v1Fixture.allTime.byModel));
    // Version 1 knew no `ocr` surface: it reads as empty.
    assert.deepEqual(ledger.breakdown('session', 'surface'), { ...v2All(v1Fixture.session.bySurface), ocr: EMPTY, lm: EMPTY, participant: EMPTY, commit: EMPTY });
    assert.deepEqual(ledger.records.map(({ id: _id, ...r }) => r), v1Fixture.records);
    assert.ok(ledger.records.every((r: SpendRecord) => r.id.startsWith('v1-')));
  });

  it('breaks the version-1 totals down per provider from its records (all of them kept here)', () => {
    const ledger = new SpendLedger({ now: () => at, dayKey: utcDay });
    ledger.rebase(LedgerFold.fromV1(v1Fixture, options).fold!, []);
    const all = ledger.breakdown('allTime', 'provider');
    assert.deepEqual(Object.keys(all).sort(), ['Backup', 'DeepSeek']);
    assert.equal(all.Backup.requests, 1);
    assert.equal(all.DeepSeek.requests, 3);
    assert.equal(all.DeepSeek.costUsd + all.Backup.costUsd, v1Fixture.allTime.totals.costUsd);
    const session = ledger.breakdown('session', 'provider');
    assert.deepEqual([session.Backup?.requests, session.DeepSeek?.requests], [1, 1], 'the records since the session started');
  });

  it('names migrated records alike in every window, so migrating twice is seen as the same data', () => {
    const one = LedgerFold.fromV1(v1Fixture, options).fold!;
    const two = LedgerFold.fromV1(JSON.parse(JSON.stringify(v1Fixture)), options).fold!;
    assert.deepEqual(one.toJSON(), two.toJSON());
  });

  it('continues the migrated session', () => {
    const ledger = new SpendLedger({ now: () => at, dayKey: utcDay });
    ledger.rebase(LedgerFold.fromV1(v1Fixture, options).fold!, []);
    ledger.record(reported('deepseek-chat', chatPrice, 0, 1_000_000, 0));
    assert.equal(ledger.session.requests, v1Fixture.session.totals.requests + 1);
    assert.equal(ledger.allTime.requests, v1Fixture.allTime.totals.requests + 1);
  });

  it('gives nothing for nothing, and a warning for unreadable or newer data', () => {
    assert.deepEqual(LedgerFold.fromV1(undefined, options), {});
    for (const raw of [null, 'garbage', { version: 1 }, { ...v1Fixture, records: {} }, { version: 99 }]) {
      const result = LedgerFold.fromV1(raw, options);
      assert.equal(result.fold, undefined);
      assert.equal(result.warning, 'DeepSeek spend history was unreadable and has been reset.');
    }
  });
});

/** A deterministic shuffle (Fisher–Yates on a small LCG). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
