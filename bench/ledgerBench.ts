import { mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { MemoryLogger } from '../src/core/logger';
import { resolvePrice } from '../src/core/pricing';
import { DEFAULT_PRICING } from '../src/core/settingsSchema';
import { encodeEvent, planCompaction, scanSegment } from '../src/core/spendLog';
import { SpendLedger, type LedgerEvent, type RecordInput, type Surface } from '../src/core/spendLedger';
import { SharedLedger } from '../src/spend/sharedLedger';

/**
 * Spend-ledger micro-benchmark (plain Node, no VS Code): the cost of `record()`, of merging another window's
 * events (in order and out of order), of encoding and parsing log lines, of a compaction, and of the shared
 * ledger's real file writes and re-reads in a temporary directory. Returns lines to print; figures, not
 * pass/fail.
 */
export async function benchLedger(): Promise<string[]> {
  const RECORDS = 10_000;
  const at = new Date(Date.UTC(2026, 10, 25, 12, 0)); // a Wednesday, off-peak
  const prices = [resolvePrice(DEFAULT_PRICING, 'deepseek-flash', at), resolvePrice(DEFAULT_PRICING, 'deepseek-v4-pro', at), undefined];
  const models = ['deepseek-flash', 'deepseek-v4-pro', 'unpriced-model'];
  const surfaces: Surface[] = ['completion', 'chat', 'command'];
  const inputs: RecordInput[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const m = i % 3;
    inputs.push({
      model: models[m],
      provider: 'DeepSeek',
      surface: surfaces[i % surfaces.length],
      price: prices[m],
      finishReason: 'stop',
      usage: i % 10 === 9
        ? { kind: 'estimate', sent: 12_000 + i, received: 800, reasoning: m === 1 ? 3_000 : undefined }
        : { kind: 'reported', hitTokens: 3_000 + (i % 997), missTokens: 400 + (i % 89), outputTokens: 250 + (i % 41), reasoningTokens: m === 1 ? 120 : 0 },
    });
  }

  let clock = at.getTime();
  const options = { now: () => (clock += 1_000) };
  const warm = new SpendLedger(options);
  for (const input of inputs.slice(0, 1_000)) {
    warm.record(input);
  }

  const ledger = new SpendLedger(options);
  const t0 = performance.now();
  for (const input of inputs) {
    ledger.record(input);
  }
  const recordMs = (performance.now() - t0) / RECORDS;
  const events: LedgerEvent[] = [];
  {
    let t = at.getTime();
    const source = new SpendLedger({ now: () => (t += 1_000) });
    for (const input of inputs) events.push({ type: 'record', record: source.record(input) });
  }

  // Merging another window's events: in time order (incremental) and shuffled (a replay per late event, bounded by compaction).
  const MERGE = 500;
  const inOrder = new SpendLedger({ now: () => clock });
  const t1 = performance.now();
  for (const e of events.slice(0, MERGE)) inOrder.add([e]);
  void inOrder.session;
  const mergeInOrderUs = ((performance.now() - t1) / MERGE) * 1000;
  const shuffled = events.slice(0, MERGE).reverse();
  const outOfOrder = new SpendLedger({ now: () => clock });
  const t2 = performance.now();
  for (const e of shuffled) {
    outOfOrder.add([e]);
    void outOfOrder.session; // A read after each merge forces the replay.
  }
  const mergeOutOfOrderUs = ((performance.now() - t2) / MERGE) * 1000;

  // Log lines: encode and parse.
  const t3 = performance.now();
  const text = events.map(encodeEvent).join('');
  const encodeUs = ((performance.now() - t3) / events.length) * 1000;
  const bytes = new TextEncoder().encode(text);
  const t4 = performance.now();
  const scan = scanSegment(bytes);
  const parseUs = ((performance.now() - t4) / scan.lines.length) * 1000;

  // A compaction folding all 10,000 events of one segment.
  const t5 = performance.now();
  const plan = planCompaction({
    previous: undefined, segments: [{ name: 'seg-0-0.jsonl', size: bytes.length, bytes, idleMs: 0 }],
    cutoff: Infinity, deadAfterMs: Infinity, generation: 'g', now: Date.now(),
  });
  const compactMs = performance.now() - t5;

  const files = await benchFiles(inputs.slice(0, 2_000));
  return [
    `ledger record() in memory: mean ${(recordMs * 1000).toFixed(2)} µs over ${RECORDS.toLocaleString('en-US')} records`,
    `ledger merge of another window's event: ${mergeInOrderUs.toFixed(2)} µs in time order, ${mergeOutOfOrderUs.toFixed(1)} µs out of order (replay of ≤ ${MERGE} unfolded events), per event`,
    `ledger log line: encode ${encodeUs.toFixed(2)} µs, parse ${parseUs.toFixed(2)} µs per event (${Math.round(bytes.length / events.length)} bytes/line)`,
    `ledger compaction (pure) of ${plan.foldedEvents.toLocaleString('en-US')} events: ${compactMs.toFixed(1)} ms`,
    ...files,
  ];
}

/** Two shared ledgers on one temporary directory: appends, the other window's re-read, a compaction. */
async function benchFiles(inputs: readonly RecordInput[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'deepseek-ledger-bench-'));
  try {
    const common = { dir, logger: new MemoryLogger(), watch: false, pollMs: 0, debounceMs: 60_000, compactAfterEvents: Infinity, cutoffMs: -60_000 };
    const a = new SharedLedger(common);
    const b = new SharedLedger(common);
    await a.open();
    await b.open();
    // One flush per record: the worst case (no debounce batching), each an append of one line.
    const ROUNDS = 200;
    const t0 = performance.now();
    for (let i = 0; i < ROUNDS; i++) {
      a.record(inputs[i]);
      await a.flush();
    }
    const appendUs = ((performance.now() - t0) / ROUNDS) * 1000;
    // A debounced batch: many records, one append.
    const t1 = performance.now();
    for (const input of inputs.slice(ROUNDS)) a.record(input);
    await a.flush();
    const batchMs = performance.now() - t1;
    // The other window reads everything new.
    const t2 = performance.now();
    await b.refresh();
    const readMs = performance.now() - t2;
    // A small incremental read: one new record.
    a.record(inputs[0]);
    await a.flush();
    const t3 = performance.now();
    await b.refresh();
    const incrementalUs = (performance.now() - t3) * 1000;
    const logBytes = dirBytes(dir);
    const t4 = performance.now();
    await b.compact();
    const compactMs = performance.now() - t4;
    const ok = a.ledger.allTime.requests === b.ledger.allTime.requests && b.ledger.allTime.requests === inputs.length + 1;
    a.dispose();
    b.dispose();
    return [
      `ledger file append (one record, no batching): mean ${appendUs.toFixed(0)} µs over ${ROUNDS} appends; ${inputs.length - ROUNDS} records batched in one flush: ${batchMs.toFixed(1)} ms`,
      `ledger other window's re-read: ${readMs.toFixed(1)} ms for ${inputs.length.toLocaleString('en-US')} new records (${(logBytes / 1024).toFixed(0)} KB), ${incrementalUs.toFixed(0)} µs for one`,
      `ledger compaction on disk (lock, fold ${inputs.length.toLocaleString('en-US')} events, snapshot replace, re-read): ${compactMs.toFixed(1)} ms; both windows agree: ${ok ? 'yes' : 'NO'}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}
