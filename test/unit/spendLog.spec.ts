import * as assert from 'assert/strict';
import {
  encodeEvent, parseEventLine, parseSnapshot, planCompaction, scanSegment, segmentName, SEGMENT_PATTERN, serializeSnapshot, type SegmentContent,
} from '../../src/core/spendLog';
import { LedgerFold, SpendLedger, type LedgerEvent } from '../../src/core/spendLedger';

const T = Date.UTC(2025, 0, 15, 9, 0);
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function events(n: number, startAt = T, prefix = 'e'): LedgerEvent[] {
  let t = startAt;
  let i = 0;
  const ledger = new SpendLedger({ now: () => (t += 1000), newId: () => `${prefix}${++i}`, dayKey: utcDay });
  return Array.from({ length: n }, (_, k) => ({
    type: 'record' as const,
    record: ledger.record({ model: 'm', provider: 'DeepSeek', surface: 'chat', price: undefined, usage: { kind: 'reported', hitTokens: k, missTokens: 1, outputTokens: 2 } }),
  }));
}

const bytesOf = (text: string) => new TextEncoder().encode(text);
const logOf = (es: readonly LedgerEvent[]) => es.map(encodeEvent).join('');

describe('spend log lines', () => {
  it('round-trips records and session resets', () => {
    const [record] = events(1);
    const reset: LedgerEvent = { type: 'resetSession', reset: { id: 'r1', at: T } };
    for (const e of [record, reset]) {
      const line = encodeEvent(e);
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
      assert.deepEqual(parseEventLine(line), e);
    }
  });

  it('keeps an unpriced record unpriced, and reads a line written before the flag existed as it was', () => {
    const [e] = events(1);
    assert.ok(e.type === 'record' && e.record.unpriced === true);
    assert.match(encodeEvent(e), /"unpriced":true/);
    const { unpriced: _unpriced, ...older } = e.record;
    assert.deepEqual(parseEventLine(encodeEvent({ type: 'record', record: older })), { type: 'record', record: older });
  });

  it('refuses lines that are not events', () => {
    for (const line of ['', 'garbage', '[]', '{"type":"record"}', '{"type":"resetSession","id":"","at":1}', '{"type":"other","id":"a","at":1}', '{"type":"record","id":"a","at":-1}']) {
      assert.equal(parseEventLine(line), undefined, line);
    }
  });

  it('scans complete lines with byte offsets, leaving a torn tail unread', () => {
    const es = events(3);
    const text = logOf(es);
    const torn = `${text}{"type":"record","id":"x","at":`;
    const scan = scanSegment(bytesOf(torn), 100);
    assert.deepEqual(scan.lines.map((l) => l.event), es);
    assert.equal(scan.complete, 100 + bytesOf(text).length);
    assert.equal(scan.tail, bytesOf(torn).length - bytesOf(text).length);
    assert.equal(scan.lines[1].start, scan.lines[0].end);
  });

  it('counts multi-byte text in bytes', () => {
    const [e] = events(1);
    assert.ok(e.type === 'record');
    const withCjk: LedgerEvent = { type: 'record', record: { ...e.record, model: '模型' } };
    const scan = scanSegment(bytesOf(encodeEvent(withCjk)));
    assert.equal(scan.complete, bytesOf(encodeEvent(withCjk)).length);
    assert.deepEqual(scan.lines[0].event, withCjk);
  });

  it('marks a garbage line in the middle and reads on past it', () => {
    const es = events(2);
    const scan = scanSegment(bytesOf(`${encodeEvent(es[0])}not json\n${encodeEvent(es[1])}`));
    assert.deepEqual(scan.lines.map((l) => l.event), [es[0], undefined, es[1]]);
  });

  it('names segments so they never collide and match the pattern', () => {
    const name = segmentName(T, 'abcdef0123456789');
    assert.match(name, SEGMENT_PATTERN);
    assert.notEqual(name, segmentName(T, 'abcdef0123456788'));
  });
});

describe('spend snapshot', () => {
  it('round-trips', () => {
    const fold = LedgerFold.empty();
    for (const e of events(3)) fold.apply(e, { dayKey: utcDay, sessionIdleMs: 1e9, maxRecords: 200 });
    const text = serializeSnapshot({ version: 2, generation: 'g1', writtenAt: T, folded: { 'seg-1-ab.jsonl': 10 }, ledger: fold });
    const read = parseSnapshot(text, { dayKey: utcDay });
    assert.equal(read.kind, 'ok');
    if (read.kind === 'ok') {
      assert.deepEqual(read.snapshot.folded, { 'seg-1-ab.jsonl': 10 });
      assert.deepEqual(read.snapshot.ledger.toJSON(), fold.toJSON());
    }
  });

  it('tells unreadable from newer', () => {
    assert.deepEqual(parseSnapshot('{"version":2,'), { kind: 'unreadable' });
    assert.deepEqual(parseSnapshot('{"version":2,"generation":"g","writtenAt":1,"folded":{"../x":1},"ledger":{}}'), { kind: 'unreadable' });
    assert.deepEqual(parseSnapshot('{"version":7}'), { kind: 'newer', version: 7 });
  });
});

describe('spend compaction plan', () => {
  const seg = (name: string, text: string, idleMs = 0, own = false): SegmentContent => ({ name, size: bytesOf(text).length, bytes: bytesOf(text), idleMs, own });
  const base = { cutoff: T + 3500, deadAfterMs: 1000, generation: 'g', now: T, options: { dayKey: utcDay } };

  it('folds the prefix older than the cutoff and keeps the rest unfolded', () => {
    const es = events(6); // at T+1s … T+6s
    const text = logOf(es);
    const plan = planCompaction({ ...base, previous: undefined, segments: [seg('seg-1-aa.jsonl', text)] });
    assert.equal(plan.foldedEvents, 3);
    assert.equal(plan.snapshot.folded['seg-1-aa.jsonl'], bytesOf(logOf(es.slice(0, 3))).length);
    assert.deepEqual(plan.remove, []);
    assert.equal(plan.snapshot.ledger.allTimeTotals.requests, 3);
  });

  it('folds a dead segment whole, torn tail included, and removes it', () => {
    const es = events(4);
    const text = `${logOf(es)}{"type":"rec`;
    const plan = planCompaction({ ...base, previous: undefined, segments: [seg('seg-1-aa.jsonl', text, 5000)] });
    assert.equal(plan.foldedEvents, 4);
    assert.deepEqual(plan.remove, ['seg-1-aa.jsonl']);
    assert.deepEqual(plan.snapshot.folded, {});
    assert.match(plan.warnings[0], /torn last spend record \(12 bytes\)/);
  });

  it("never removes this window's own segment", () => {
    const plan = planCompaction({ ...base, cutoff: Infinity, previous: undefined, segments: [seg('seg-1-aa.jsonl', logOf(events(2)), 5000, true)] });
    assert.deepEqual(plan.remove, []);
  });

  it('continues from the previous snapshot and counts an event seen twice once', () => {
    const es = events(4);
    const first = planCompaction({ ...base, cutoff: Infinity, previous: undefined, segments: [seg('seg-1-aa.jsonl', logOf(es.slice(0, 2)))] });
    // The same two events again in another segment (a write retried after a failure), then two new ones.
    const full = logOf(es);
    const second = planCompaction({
      ...base, cutoff: Infinity, previous: first.snapshot,
      segments: [
        { ...seg('seg-1-aa.jsonl', full), bytes: bytesOf(full).subarray(first.snapshot.folded['seg-1-aa.jsonl']) },
        seg('seg-2-bb.jsonl', logOf(es.slice(0, 2))),
      ],
    });
    assert.equal(second.snapshot.ledger.allTimeTotals.requests, 4);
    assert.equal(second.foldedEvents, 2);
  });

  it('drops entries of segments that are gone, and reports when nothing changed', () => {
    const first = planCompaction({ ...base, cutoff: Infinity, previous: undefined, segments: [seg('seg-1-aa.jsonl', logOf(events(1)))] });
    const gone = planCompaction({ ...base, previous: first.snapshot, segments: [] });
    assert.equal(gone.changed, true);
    assert.deepEqual(gone.snapshot.folded, {});
    const same = planCompaction({ ...base, previous: gone.snapshot, segments: [] });
    assert.equal(same.changed, false);
  });

  it('starts from the migrated fold when there is no snapshot', () => {
    const initial = LedgerFold.empty();
    initial.apply(events(1, T, 'v')[0], { dayKey: utcDay, sessionIdleMs: 1e9, maxRecords: 200 });
    const plan = planCompaction({ ...base, previous: undefined, initial, segments: [] });
    assert.equal(plan.snapshot.ledger.allTimeTotals.requests, 1);
    assert.equal(plan.changed, true);
  });
});
