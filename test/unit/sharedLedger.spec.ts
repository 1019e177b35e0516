import * as assert from 'assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'fs';
import * as path from 'path';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import { SEGMENT_PATTERN } from '../../src/core/spendLog';
import type { RecordInput } from '../../src/core/spendLedger';
import { LOCK_FILE, SNAPSHOT_FILE } from '../../src/spend/ledgerFiles';
import type { SharedLedger } from '../../src/spend/sharedLedger';
import { ledgerWindows } from './ledgerWindows';
import v1Fixture from './spendLedgerV1.fixture.json';

const price = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', new Date())!;
/** $0.27 per request: 1M prompt tokens, all missed. */
const DOLLAR_27: RecordInput = { model: 'deepseek-chat', provider: 'DeepSeek', surface: 'chat', price, usage: { kind: 'reported', hitTokens: 0, missTokens: 1_000_000, outputTokens: 0 } };
const oneToken = (n: number): RecordInput => ({ ...DOLLAR_27, finishReason: `#${n}`, usage: { kind: 'reported', hitTokens: 0, missTokens: 1, outputTokens: 0 } });
/** A fallback's request with no price for its model. */
const UNPRICED: RecordInput = { ...DOLLAR_27, model: 'gpt-x', provider: 'Backup', price: undefined, usage: { kind: 'reported', hitTokens: 0, missTokens: 10, outputTokens: 10 } };

const segments = (dir: string) => readdirSync(dir).filter((f) => SEGMENT_PATTERN.test(f));

describe('shared spend ledger: two windows on one directory', function () {
  this.timeout(20_000);
  const ledgers = ledgerWindows();
  const window = ledgers.window;

  const requestsIn = (s: SharedLedger) => s.ledger.allTime.requests;

  it('loses nothing and counts nothing twice when both record at once', async () => {
    const a = (await window()).shared;
    const b = (await window()).shared;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      a.record(oneToken(i));
      b.record(oneToken(1000 + i));
      if (i % 10 === 0) writes.push(a.flush(), b.flush(), a.refresh().then(() => undefined), b.refresh().then(() => undefined));
    }
    await Promise.all([...writes, a.flush(), b.flush()]);
    await Promise.all([a.refresh(), b.refresh()]);
    for (const s of [a, b]) {
      assert.equal(requestsIn(s), 200);
      assert.equal(s.ledger.session.missTokens, 200);
      assert.equal(new Set(s.ledger.records.map((r) => r.id)).size, 200);
    }
    // A third window opened afterwards reads the same union from the files alone.
    const c = (await window()).shared;
    assert.equal(requestsIn(c), 200);
    assert.deepEqual(c.ledger.session, a.ledger.session);
  });

  it('shows another window its session reset, and each window its union', async () => {
    const a = (await window()).shared;
    const b = (await window()).shared;
    a.record(DOLLAR_27);
    await a.flush();
    await b.refresh();
    assert.equal(b.ledger.session.costUsd, 0.27);
    b.resetSession();
    await b.flush();
    await a.refresh();
    assert.equal(a.ledger.session.requests, 0);
    assert.equal(a.ledger.allTime.costUsd, 0.27);
  });

  it('debounces: records made together are written in one append, and pending ones are written on dispose', async () => {
    const a = (await window({ debounceMs: 60_000 })).shared;
    for (let i = 0; i < 20; i++) a.record(oneToken(i));
    assert.deepEqual(segments(ledgers.dir), [], 'nothing written yet');
    a.dispose(); // Synchronous: written before the window goes away.
    const [seg] = segments(ledgers.dir);
    assert.equal(readFileSync(path.join(ledgers.dir, seg), 'utf8').trim().split('\n').length, 20);
    const b = (await window()).shared;
    assert.equal(requestsIn(b), 20);
  });

  it('writes a record within the debounce interval by itself', async () => {
    const a = (await window({ debounceMs: 30 })).shared;
    a.record(DOLLAR_27);
    await new Promise((r) => setTimeout(r, 200));
    await a.flush();
    const b = (await window()).shared;
    assert.equal(requestsIn(b), 1);
  });

  it('survives a crash mid-write: the torn last line is skipped, the records before it are kept', async () => {
    const a = (await window()).shared;
    for (let i = 0; i < 5; i++) a.record(oneToken(i));
    await a.flush();
    const [seg] = segments(ledgers.dir);
    const file = path.join(ledgers.dir, seg);
    const size = readFileSync(file).length;
    a.record(oneToken(99));
    await a.flush();
    truncateSync(file, size + 40); // The sixth line cut off mid-way, as by a crash.
    ledgers.forget(a); // The crashed window never disposes.
    const b = (await window()).shared;
    assert.equal(requestsIn(b), 5);
    b.record(oneToken(6));
    await b.flush();
    const c = (await window()).shared;
    assert.equal(requestsIn(c), 6, "the torn line does not swallow the next window's record");
  });

  it('skips a garbage line with a warning instead of resetting the history', async () => {
    const a = (await window()).shared;
    a.record(oneToken(1));
    await a.flush();
    const [seg] = segments(ledgers.dir);
    appendFileSync(path.join(ledgers.dir, seg), 'this is not json\n{"type":"record","id":"x"}\n');
    a.record(oneToken(2));
    a.dispose();
    const { shared: b, logger, warnings } = await window();
    assert.equal(requestsIn(b), 2);
    assert.equal(logger.lines.filter((l) => l.level === 'warn' && /unreadable record/.test(l.message)).length, 2);
    assert.deepEqual(warnings, [], 'a bad line is for the log, not a pop-up');
  });

  it('folds old events into the snapshot and deletes dead segments, counting each record once', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    for (let i = 0; i < 10; i++) a.record(oneToken(i));
    a.dispose();
    const [seg] = segments(ledgers.dir);
    const old = new Date(Date.now() - 3 * 60 * 60_000);
    utimesSync(path.join(ledgers.dir, seg), old, old); // Its writer is long gone.
    const b = (await window({ cutoffMs: -60_000 })).shared; // Opening compacts.
    assert.deepEqual(segments(ledgers.dir), [], 'the dead segment is folded and deleted');
    assert.equal(requestsIn(b), 10);
    assert.equal(b.ledger.unfoldedEvents, 0);
    const c = (await window()).shared;
    assert.equal(requestsIn(c), 10);
    assert.equal(c.ledger.records.length, 10);
  });

  it('keeps events appended while a compaction runs, and counts the folded ones once', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    const b = (await window({ cutoffMs: -60_000 })).shared;
    for (let i = 0; i < 50; i++) a.record(oneToken(i));
    await a.flush();
    // b compacts while a keeps appending to the segment being folded.
    const appends: Promise<void>[] = [];
    for (let i = 50; i < 100; i++) {
      a.record(oneToken(i));
      appends.push(a.flush());
      if (i === 60) appends.push(b.compact());
    }
    await Promise.all(appends);
    await b.compact();
    for (let i = 100; i < 110; i++) a.record(oneToken(i));
    await a.flush();
    await Promise.all([a.refresh(), b.refresh()]);
    assert.ok(existsSync(path.join(ledgers.dir, SNAPSHOT_FILE)));
    for (const s of [a, b]) assert.equal(requestsIn(s), 110);
    const c = (await window()).shared;
    assert.equal(requestsIn(c), 110);
    assert.equal(c.ledger.session.missTokens, 110);
  });

  it('does not compact while another window holds the lock, and breaks a stale lock', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    for (let i = 0; i < 3; i++) a.record(oneToken(i));
    await a.flush();
    const before = readFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), 'utf8');
    writeFileSync(path.join(ledgers.dir, LOCK_FILE), '{}');
    await a.compact();
    assert.equal(readFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), 'utf8'), before, 'the lock is respected');
    const stale = new Date(Date.now() - 60_000);
    utimesSync(path.join(ledgers.dir, LOCK_FILE), stale, stale);
    await a.compact();
    assert.notEqual(readFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), 'utf8'), before, 'a stale lock is broken');
    assert.equal(existsSync(path.join(ledgers.dir, LOCK_FILE)), false);
    assert.equal(requestsIn(a), 3);
  });

  it('migrates the version-1 ledger once, even when two windows start together', async () => {
    const legacyV1 = () => v1Fixture;
    const [a, b] = await Promise.all([window({ legacyV1 }), window({ legacyV1 })]);
    const total = v1Fixture.allTime.totals.requests;
    for (const s of [a.shared, b.shared]) {
      await s.refresh();
      assert.equal(requestsIn(s), total);
      assert.equal(s.ledger.allTime.costUsd, v1Fixture.allTime.totals.costUsd);
    }
    a.shared.record(DOLLAR_27);
    a.shared.dispose();
    const c = (await window({ legacyV1 })).shared; // Version 1 is still in globalState: not imported again.
    assert.equal(requestsIn(c), total + 1);
  });

  it('warns once about an unreadable version-1 ledger and starts empty', async () => {
    const { shared, warnings } = await window({ legacyV1: () => ({ version: 1, records: 'x' }) });
    assert.equal(requestsIn(shared), 0);
    assert.deepEqual(warnings, ['DeepSeek spend history was unreadable and has been reset.']);
    const again = await window({ legacyV1: () => ({ version: 1, records: 'x' }) });
    assert.deepEqual(again.warnings, [], 'the snapshot exists now: no second migration, no second warning');
  });

  it('sets an unreadable snapshot aside and keeps the log', async () => {
    const a = (await window()).shared;
    a.record(oneToken(1));
    a.dispose();
    writeFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), '{"version":2,"garbage');
    const { shared, warnings } = await window();
    assert.equal(requestsIn(shared), 1);
    assert.match(warnings[0] ?? '', /partly unreadable/);
    assert.ok(readdirSync(ledgers.dir).some((f) => f.startsWith('snapshot.unreadable-')));
  });

  it("leaves a newer version's history alone and counts in memory", async () => {
    writeFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), JSON.stringify({ version: 3 }));
    const { shared, warnings } = await window();
    assert.equal(shared.shared, false);
    assert.match(warnings[0] ?? '', /newer version/);
    shared.record(DOLLAR_27);
    assert.equal(shared.ledger.session.costUsd, 0.27);
    shared.dispose();
    assert.equal(readFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), 'utf8'), JSON.stringify({ version: 3 }));
    assert.deepEqual(segments(ledgers.dir), []);
  });

  it('keeps counting in memory when the directory cannot be created', async () => {
    const file = path.join(ledgers.dir, 'not-a-dir');
    writeFileSync(file, '');
    const { shared } = await window({ dir: path.join(file, 'spend') });
    assert.equal(shared.shared, false);
    shared.record(DOLLAR_27);
    assert.equal(shared.ledger.allTime.requests, 1);
  });

  it('starts a new segment rather than appending to one that changed under it', async () => {
    const a = (await window()).shared;
    a.record(oneToken(1));
    await a.flush();
    const [first] = segments(ledgers.dir);
    appendFileSync(path.join(ledgers.dir, first), '{"type":"rec'); // A torn write of this window's own.
    a.record(oneToken(2));
    await a.flush();
    assert.equal(segments(ledgers.dir).length, 2);
    const b = (await window()).shared;
    assert.equal(requestsIn(b), 2);
  });

  it('keeps unpriced requests and the per-provider breakdown through the log, a compaction and a reload', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    a.record(DOLLAR_27);
    a.record(UNPRICED);
    a.record({ ...DOLLAR_27, provider: 'Other' });
    await a.flush();
    const fromLog = (await window()).shared; // Unfolded: from the segment's lines.
    await a.compact();
    a.record(UNPRICED); // After the compaction: in the log again.
    await a.flush();
    const fromSnapshot = (await window()).shared;
    assert.ok(JSON.parse(readFileSync(path.join(ledgers.dir, SNAPSHOT_FILE), 'utf8')).ledger.allTime.byProvider, 'persisted in the snapshot');
    assert.deepEqual(fromLog.ledger.breakdown('session', 'provider').Backup.unpricedRequests, 1);
    for (const s of [a, fromSnapshot]) {
      const byProvider = s.ledger.breakdown('session', 'provider');
      assert.deepEqual(Object.keys(byProvider).sort(), ['Backup', 'DeepSeek', 'Other']);
      assert.deepEqual([byProvider.Backup.requests, byProvider.Backup.unpricedRequests, byProvider.Backup.costUsd], [2, 2, 0]);
      assert.equal(byProvider.DeepSeek.costUsd, 0.27);
      assert.equal(byProvider.Other.costUsd, 0.27);
      assert.equal(s.ledger.allTime.unpricedRequests, 2);
      assert.equal(s.ledger.records.filter((r) => r.unpriced).length, 2);
    }
    assert.deepEqual(fromSnapshot.ledger.breakdown('allTime', 'provider'), a.ledger.breakdown('allTime', 'provider'));
  });

  it('reads a snapshot written before unpriced counts and providers were kept, and keeps counting', async () => {
    const a = (await window({ cutoffMs: -60_000 })).shared;
    a.record(DOLLAR_27);
    a.record({ ...DOLLAR_27, provider: 'Other' });
    await a.flush();
    await a.compact();
    a.dispose();
    const file = path.join(ledgers.dir, SNAPSHOT_FILE);
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    const strip = (t: Record<string, unknown>) => delete t.unpricedRequests;
    for (const scope of [snapshot.ledger.allTime, snapshot.ledger.session]) {
      delete scope.byProvider;
      strip(scope.totals);
      Object.values(scope.byModel as Record<string, Record<string, unknown>>).forEach(strip);
      Object.values(scope.bySurface as Record<string, Record<string, unknown>>).forEach(strip);
    }
    Object.values(snapshot.ledger.days as Record<string, Record<string, unknown>>).forEach(strip);
    writeFileSync(file, JSON.stringify(snapshot));
    const { shared: b, warnings } = await window();
    assert.deepEqual(warnings, [], 'not unreadable');
    assert.equal(requestsIn(b), 2);
    assert.equal(b.ledger.allTime.unpricedRequests, 0);
    const byProvider = b.ledger.breakdown('allTime', 'provider');
    assert.deepEqual([byProvider.DeepSeek?.requests, byProvider.Other?.requests], [1, 1], 'from the records kept');
    b.record(UNPRICED);
    await b.flush();
    await b.compact();
    const c = (await window()).shared;
    assert.equal(c.ledger.allTime.unpricedRequests, 1);
    assert.equal(c.ledger.breakdown('session', 'provider').Backup.unpricedRequests, 1);
  });

  it('picks up another window through the directory watcher', async () => {
    const a = (await window()).shared;
    let changes = 0;
    const b = (await window({ watch: true, onChange: () => changes++ })).shared;
    changes = 0;
    a.record(DOLLAR_27);
    await a.flush();
    const deadline = Date.now() + 5000;
    while (requestsIn(b) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(requestsIn(b), 1);
    assert.ok(changes >= 1);
  });
});
