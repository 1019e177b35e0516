import * as assert from 'assert/strict';
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { CompletionStats, completionFigures, NO_COMPLETION_ACCEPTED, type CompletionCounts, type CompletionSpend } from '../../src/core/completionStats';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import { encodeEvent, parseEventLine, planCompaction, scanSegment } from '../../src/core/spendLog';
import { LedgerFold, resolveFoldOptions, SpendLedger, type LedgerEvent, type RecordInput } from '../../src/core/spendLedger';
import { spendReport } from '../../src/core/spendSummary';
import { SNAPSHOT_FILE } from '../../src/spend/ledgerFiles';
import { ledgerWindows } from './ledgerWindows';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const price = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', new Date(T0))!;
/** A completion request of $0.27 (1M prompt tokens, all missed). */
const COMPLETION_27: RecordInput = { model: 'deepseek-chat', provider: 'DeepSeek', surface: 'completion', price, usage: { kind: 'reported', hitTokens: 0, missTokens: 1_000_000, outputTokens: 0 } };
const spend = (over: Partial<CompletionSpend> = {}): CompletionSpend => ({ requests: 4, costUsd: 0.02, unpricedRequests: 0, estimatedRequests: 0, ...over });
const counts = (over: Partial<CompletionCounts> = {}): CompletionCounts => ({ shown: 0, accepted: 0, partial: 0, partialChars: 0, ...over });

function clockedLedger() {
  const clock = { t: T0 };
  let n = 0;
  const ledger = new SpendLedger({ now: () => clock.t, newId: () => `id-${++n}`, dayKey: (ms) => new Date(ms).toISOString().slice(0, 10) });
  return { ledger, clock };
}

describe('completion stats: counting', () => {
  it('counts shown, full and partial acceptances, and the characters partly accepted', () => {
    const stats = new CompletionStats();
    assert.deepEqual(stats.snapshot(), counts());
    stats.shown();
    stats.shown();
    stats.shown();
    stats.accepted();
    stats.partiallyAccepted(12);
    stats.partiallyAccepted(5);
    assert.deepEqual(stats.snapshot(), { shown: 3, accepted: 1, partial: 2, partialChars: 17 });
  });

  it('counts a nonsense character count as 0 characters, still one partial acceptance', () => {
    const stats = new CompletionStats();
    stats.partiallyAccepted(Number.NaN);
    stats.partiallyAccepted(-3);
    stats.partiallyAccepted(2.7);
    assert.deepEqual(stats.snapshot(), { shown: 0, accepted: 0, partial: 3, partialChars: 2 });
  });

  it('gives snapshots and clones that do not change with the counter', () => {
    const stats = new CompletionStats({ shown: 1, accepted: 0, partial: 0, partialChars: 0 });
    const before = stats.snapshot();
    const copy = stats.clone();
    stats.shown();
    assert.equal(before.shown, 1);
    assert.equal(copy.snapshot().shown, 1);
    assert.equal(stats.snapshot().shown, 2);
  });
});

describe('completion stats: figures', () => {
  it('with nothing accepted: no cost per accepted completion, never NaN or a division by zero', () => {
    const f = completionFigures(counts({ shown: 5 }), spend());
    assert.equal(f.costPerAcceptedUsd, undefined);
    assert.equal(f.text.costPerAccepted, NO_COMPLETION_ACCEPTED);
    assert.equal(f.text.acceptanceRate, '0% (0 of 5 shown)');
    assert.equal(f.text.cost, '$0.02');
    const empty = completionFigures(counts(), spend({ requests: 0, costUsd: 0 }));
    assert.equal(empty.acceptanceRate, undefined);
    assert.equal(empty.text.acceptanceRate, '—');
    assert.equal(empty.text.costPerAccepted, NO_COMPLETION_ACCEPTED);
    for (const text of [...Object.values(f.text), ...Object.values(empty.text)]) assert.doesNotMatch(text, /NaN|Infinity/);
  });

  it('counts full and partial acceptances alike for the rate and the cost per accepted completion', () => {
    const f = completionFigures(counts({ shown: 10, accepted: 3, partial: 1, partialChars: 9 }), spend());
    assert.equal(f.acceptedTotal, 4);
    assert.equal(f.acceptanceRate, 0.4);
    assert.equal(f.costPerAcceptedUsd, 0.005);
    assert.deepEqual(f.text, {
      shown: '10',
      accepted: '3',
      partial: '1 (9 characters)',
      acceptanceRate: '40% (4 of 10 shown)',
      requests: '4',
      cost: '$0.02',
      costPerAccepted: '$0.0050',
    });
  });

  it('says unknown when every request was unpriced, and "at least" when some were', () => {
    const all = completionFigures(counts({ shown: 2, accepted: 2 }), spend({ requests: 3, costUsd: 0, unpricedRequests: 3 }));
    assert.equal(all.costPerAcceptedUsd, undefined);
    assert.equal(all.text.cost, '3 unpriced requests');
    assert.equal(all.text.costPerAccepted, 'unknown (3 unpriced requests)');
    const some = completionFigures(counts({ shown: 2, accepted: 2 }), spend({ requests: 3, costUsd: 0.01, unpricedRequests: 1 }));
    assert.equal(some.text.cost, '$0.01 + 1 unpriced request');
    assert.equal(some.text.costPerAccepted, 'at least $0.0050 (1 unpriced request not counted)');
    assert.doesNotMatch(all.text.costPerAccepted, /\$0\.00/);
  });

  it('marks costs priced from estimated tokens (est.)', () => {
    const f = completionFigures(counts({ shown: 4, accepted: 1 }), spend({ estimatedRequests: 1 }));
    assert.equal(f.text.cost, '$0.02 (est.)');
    assert.equal(f.text.costPerAccepted, '$0.02 (est.)');
  });
});

describe('completion stats in the spend ledger', () => {
  it('counts completion usage in the session and all time, without touching the spend figures', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    const spendBefore = { session: ledger.session, allTime: ledger.allTime, started: ledger.sessionStartedAt };
    clock.t += 1000;
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('accepted');
    ledger.recordCompletionUsage('partial', 7);
    const expected = { shown: 2, accepted: 1, partial: 1, partialChars: 7 };
    assert.deepEqual(ledger.completions('session'), expected);
    assert.deepEqual(ledger.completions('allTime'), expected);
    assert.deepEqual({ session: ledger.session, allTime: ledger.allTime, started: ledger.sessionStartedAt }, spendBefore);
    assert.equal(ledger.records.length, 1, 'usage events are not records');
  });

  it('Reset Session Spend resets the session counts, keeping all time', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('accepted');
    clock.t += 1000;
    ledger.resetSession();
    assert.deepEqual(ledger.completions('session'), counts());
    assert.deepEqual(ledger.completions('allTime'), counts({ shown: 1, accepted: 1 }));
    clock.t += 1000;
    ledger.recordCompletionUsage('shown');
    assert.deepEqual(ledger.completions('session'), counts({ shown: 1 }));
  });

  it('ends the counts with a session that runs out after 4 h idle; usage neither extends nor starts a session', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    clock.t += 3 * HOUR;
    ledger.recordCompletionUsage('accepted'); // Inside the session, but does not keep it alive.
    assert.deepEqual(ledger.completions('session'), counts({ shown: 1, accepted: 1 }));
    clock.t += 1.5 * HOUR; // 4.5 h after the last request.
    assert.deepEqual(ledger.completions('session'), counts(), 'the session has run out');
    ledger.recordCompletionUsage('shown'); // Out of any session: all time only.
    assert.deepEqual(ledger.completions('session'), counts());
    assert.equal(ledger.sessionStartedAt, undefined);
    clock.t += 1000;
    ledger.record(COMPLETION_27); // The next request starts a new session, with no counts yet.
    assert.deepEqual(ledger.completions('session'), counts());
    assert.deepEqual(ledger.completions('allTime'), counts({ shown: 2, accepted: 1 }));
  });

  it('counts an event merged twice once, also after it was folded, and the same in any order', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    const events: LedgerEvent[] = [{ type: 'record', record: ledger.records[0] }];
    for (let i = 0; i < 6; i++) {
      clock.t += 10;
      events.push({ type: 'completionUsage', usage: ledger.recordCompletionUsage(i % 3 === 0 ? 'shown' : i % 3 === 1 ? 'accepted' : 'partial', 3) });
    }
    assert.equal(ledger.add(events).length, 0, 'all known');
    const other = new SpendLedger({ now: () => clock.t });
    other.add([...events].reverse());
    assert.deepEqual(other.completions('session'), ledger.completions('session'));
    // Folded into a base, then seen again from a log: still counted once.
    const folded = new SpendLedger({ now: () => clock.t });
    folded.rebase(ledger.fold(), []);
    assert.equal(folded.add(events).length, 0);
    assert.deepEqual(folded.completions('allTime'), { shown: 2, accepted: 2, partial: 2, partialChars: 6 });
  });

  it('round-trips the counts through the persisted fold, and reads a fold written before they existed as none', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('partial', 4);
    const options = resolveFoldOptions({ dayKey: (ms) => new Date(ms).toISOString().slice(0, 10) });
    const json = JSON.parse(JSON.stringify(ledger.fold().toJSON()));
    const back = new SpendLedger({ now: () => clock.t });
    back.rebase(LedgerFold.parse(json, options)!, []);
    assert.deepEqual(back.completions('session'), ledger.completions('session'));
    assert.deepEqual(back.completions('allTime'), ledger.completions('allTime'));

    const old = JSON.parse(JSON.stringify(json));
    delete old.completionIds;
    delete old.allTime.completions;
    delete old.session.completions;
    const oldFold = LedgerFold.parse(old, options);
    assert.ok(oldFold, 'an old fold still loads');
    const fromOld = new SpendLedger({ now: () => clock.t });
    fromOld.rebase(oldFold, []);
    assert.deepEqual(fromOld.completions('allTime'), counts());
    assert.equal(fromOld.allTime.requests, 1);
    fromOld.recordCompletionUsage('shown');
    assert.deepEqual(fromOld.completions('session'), counts({ shown: 1 }));

    const bad = JSON.parse(JSON.stringify(json));
    bad.session.completions.shown = -1;
    assert.equal(LedgerFold.parse(bad, options), undefined, 'a corrupt count is refused like any other');
  });

  it('keeps the session reset across a clone, so the same reset folded again changes nothing', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    clock.t += 1000;
    const reset = ledger.resetSession();
    clock.t += 1000;
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    const again = new SpendLedger({ now: () => clock.t });
    again.rebase(ledger.fold(), [{ type: 'resetSession', reset }]);
    assert.equal(again.session.requests, 1);
    assert.deepEqual(again.completions('session'), counts({ shown: 1 }));
  });
});

describe('completion usage in the log', () => {
  it('round-trips a usage line, and refuses a malformed one', () => {
    const shown: LedgerEvent = { type: 'completionUsage', usage: { id: 'u1', at: T0, kind: 'shown' } };
    const partial: LedgerEvent = { type: 'completionUsage', usage: { id: 'u2', at: T0, kind: 'partial', chars: 12 } };
    for (const e of [shown, partial]) assert.deepEqual(parseEventLine(encodeEvent(e).trim()), e);
    assert.equal(parseEventLine('{"type":"completionUsage","id":"u3","at":1,"kind":"dismissed"}'), undefined);
    assert.equal(parseEventLine('{"type":"completionUsage","id":"","at":1,"kind":"shown"}'), undefined);
    assert.equal(parseEventLine('{"type":"completionUsage","id":"u4","at":1,"kind":"partial","chars":-1}'), undefined);
  });

  it('skips a line of an event type it does not know (as an older build skips usage lines), reading on past it', () => {
    const { ledger } = clockedLedger();
    const record = ledger.record(COMPLETION_27);
    const text = `{"type":"somethingNewer","id":"x","at":${T0}}\n${encodeEvent({ type: 'record', record })}`;
    const scan = scanSegment(new TextEncoder().encode(text));
    assert.deepEqual(scan.lines.map((l) => l.event?.type), [undefined, 'record']);
  });

  it('folds usage lines in a compaction, counting each once', () => {
    const { ledger, clock } = clockedLedger();
    const record = ledger.record(COMPLETION_27);
    clock.t += 1;
    const usage = ledger.recordCompletionUsage('accepted');
    const line = encodeEvent({ type: 'completionUsage', usage });
    const bytes = new TextEncoder().encode(encodeEvent({ type: 'record', record }) + line + line);
    const plan = planCompaction({ previous: undefined, segments: [{ name: 'seg-1-ab.jsonl', size: bytes.length, bytes, idleMs: 0 }], cutoff: Infinity, deadAfterMs: HOUR, generation: 'g', now: T0 });
    const folded = new SpendLedger({ now: () => clock.t });
    folded.rebase(plan.snapshot.ledger, []);
    assert.deepEqual(folded.completions('session'), counts({ accepted: 1 }));
  });
});

describe('completion usage shared by two windows', function () {
  this.timeout(20_000);
  const ledgers = ledgerWindows();
  const window = ledgers.window;

  it("counts both windows' completions in each, through a compaction and in a window opened later", async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    const b = (await window({ cutoffMs: -60_000 })).shared;
    a.record(COMPLETION_27);
    for (let i = 0; i < 20; i++) {
      a.recordCompletionUsage('shown');
      b.recordCompletionUsage('shown');
    }
    a.recordCompletionUsage('accepted');
    b.recordCompletionUsage('partial', 5);
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.refresh(), b.refresh()]);
    const expected = { shown: 40, accepted: 1, partial: 1, partialChars: 5 };
    for (const s of [a, b]) {
      assert.deepEqual(s.ledger.completions('session'), expected);
      assert.deepEqual(s.ledger.completions('allTime'), expected);
    }
    await b.compact();
    await Promise.all([a.refresh(), b.refresh()]);
    const c = (await window()).shared;
    for (const s of [a, b, c]) assert.deepEqual(s.ledger.completions('allTime'), expected);
    assert.equal(c.ledger.unfoldedEvents, 0, 'all folded into the snapshot');
    // One window's reset resets the other's session counts.
    b.resetSession();
    await b.flush();
    await a.refresh();
    assert.deepEqual(a.ledger.completions('session'), counts());
    assert.deepEqual(a.ledger.completions('allTime'), expected);
  });

  it('writes usage in one batched append, not one write per display', async () => {
    const { shared: a } = await window({ debounceMs: 60_000 });
    a.record(COMPLETION_27);
    for (let i = 0; i < 50; i++) a.recordCompletionUsage('shown');
    const files = () => import('fs').then((fs) => fs.readdirSync(ledgers.dir).filter((f) => f.startsWith('seg-')));
    assert.deepEqual(await files(), [], 'nothing written yet: it waits for the batch');
    await a.flush();
    const [seg] = await files();
    assert.equal(readFileSync(path.join(ledgers.dir, seg), 'utf8').trim().split('\n').length, 51);
  });

  it('reads a snapshot written before completions were counted, and counts on', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    a.record(COMPLETION_27);
    a.recordCompletionUsage('shown');
    await a.flush();
    await a.compact();
    a.dispose();
    const file = path.join(ledgers.dir, SNAPSHOT_FILE);
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    delete snapshot.ledger.completionIds;
    delete snapshot.ledger.allTime.completions;
    delete snapshot.ledger.session.completions;
    writeFileSync(file, JSON.stringify(snapshot));
    const { shared: b, warnings } = await window();
    assert.deepEqual(warnings, [], 'not unreadable');
    assert.equal(b.ledger.allTime.requests, 1);
    assert.deepEqual(b.ledger.completions('allTime'), counts());
    b.recordCompletionUsage('accepted');
    await b.flush();
    const c = (await window()).shared;
    assert.deepEqual(c.ledger.completions('session'), counts({ accepted: 1 }));
  });
});

describe('completion stats in the spend report', () => {
  function reportWith(ledger: SpendLedger): string {
    const section = (scope: 'session' | 'allTime') => completionFigures(ledger.completions(scope), ledger.breakdown(scope, 'surface').completion);
    return spendReport({
      view: { session: ledger.session, today: ledger.today, allTime: ledger.allTime, budgetUsd: 0 },
      sessionByModel: ledger.breakdown('session', 'model'),
      sessionBySurface: ledger.breakdown('session', 'surface'),
      sessionByProvider: ledger.breakdown('session', 'provider'),
      allTimeByModel: ledger.breakdown('allTime', 'model'),
      records: ledger.records,
      sessionStartedAt: ledger.sessionStartedAt,
      generatedAt: T0,
      completions: { session: section('session'), allTime: section('allTime') },
    });
  }
  const sectionOf = (report: string) => report.slice(report.indexOf('## Completions'), report.indexOf('## All time by model')).trim().split('\n');

  it('says so when there are no completions', () => {
    assert.deepEqual(sectionOf(reportWith(clockedLedger().ledger)), ['## Completions (inline suggestions)', '', '_No completions yet._']);
  });

  it('with requests shown but none accepted: no completion accepted yet, no $NaN', () => {
    const { ledger } = clockedLedger();
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    const lines = sectionOf(reportWith(ledger));
    assert.ok(lines.includes('| cost per accepted completion | no completion accepted yet | no completion accepted yet |'), lines.join('\n'));
    assert.ok(lines.includes('| acceptance rate | 0% (0 of 1 shown) | 0% (0 of 1 shown) |'));
    assert.doesNotMatch(lines.join('\n'), /NaN/);
  });

  it('with N accepted: shown, full, partial, rate, requests, cost and cost per accepted completion', () => {
    const { ledger, clock } = clockedLedger();
    ledger.record(COMPLETION_27);
    ledger.record({ ...COMPLETION_27, surface: 'chat' }); // Not a completion: not in the section.
    for (let i = 0; i < 4; i++) ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('accepted');
    ledger.recordCompletionUsage('partial', 8);
    clock.t += 1000;
    ledger.resetSession();
    clock.t += 1000;
    ledger.record(COMPLETION_27);
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('accepted');
    assert.deepEqual(sectionOf(reportWith(ledger)), [
      '## Completions (inline suggestions)',
      '',
      '| | session | all time |',
      '|---|---:|---:|',
      '| shown | 1 | 5 |',
      '| accepted (full) | 1 | 2 |',
      '| accepted (partial) | 0 | 1 (8 characters) |',
      '| acceptance rate | 100% (1 of 1 shown) | 60% (3 of 5 shown) |',
      '| requests | 1 | 2 |',
      '| cost | $0.27 | $0.54 |',
      '| cost per accepted completion | $0.27 | $0.18 |',
      '',
      'A completion accepted in part counts as accepted, in the acceptance rate and in the cost per accepted completion; the cost is that of every completion request, whether its suggestion was shown, accepted or not.',
    ]);
  });

  it('shows an unpriced completion cost as unknown, never $0', () => {
    const { ledger } = clockedLedger();
    ledger.record({ ...COMPLETION_27, provider: 'Backup', model: 'fim-x', price: undefined });
    ledger.recordCompletionUsage('shown');
    ledger.recordCompletionUsage('accepted');
    const lines = sectionOf(reportWith(ledger));
    assert.ok(lines.includes('| cost | 1 unpriced request | 1 unpriced request |'), lines.join('\n'));
    assert.ok(lines.includes('| cost per accepted completion | unknown (1 unpriced request) | unknown (1 unpriced request) |'));
  });
});
