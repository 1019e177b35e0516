import { performance } from 'perf_hooks';
import { resolvePrice } from '../src/core/pricing';
import { DEFAULT_PRICING } from '../src/core/settingsSchema';
import { SpendLedger, type RecordInput, type Surface } from '../src/core/spendLedger';

/**
 * Spend-ledger micro-benchmark (plain Node, no VS Code): the cost of `record()` and of the write path
 * (`toJSON()` + `JSON.stringify` of a full ledger). Returns lines to print; figures, not pass/fail.
 */
export function benchLedger(): string[] {
  const RECORDS = 10_000;
  const WRITES = 2_000;
  const at = new Date(Date.UTC(2025, 0, 15, 12, 0));
  const prices = [resolvePrice(DEFAULT_PRICING, 'deepseek-chat', at), resolvePrice(DEFAULT_PRICING, 'deepseek-reasoner', at), undefined];
  const models = ['deepseek-chat', 'deepseek-reasoner', 'unpriced-model'];
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

  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    bytes = JSON.stringify(ledger.toJSON()).length;
  }
  const t1 = performance.now();
  for (let i = 0; i < WRITES; i++) {
    bytes = JSON.stringify(ledger.toJSON()).length;
  }
  const writeMs = (performance.now() - t1) / WRITES;

  return [
    `ledger record(): mean ${(recordMs * 1000).toFixed(2)} µs over ${RECORDS.toLocaleString('en-US')} records`,
    `ledger write (toJSON + JSON.stringify, ${ledger.records.length} records, ${bytes.toLocaleString('en-US')} chars): mean ${(writeMs * 1000).toFixed(1)} µs over ${WRITES.toLocaleString('en-US')} writes`,
  ];
}
